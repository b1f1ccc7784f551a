using System.Collections.Concurrent;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Migrations;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// The embedding settings a collection's work runs under: the pipeline's own, or for a migration's shadow collection,
/// the migration's target model and dimensions with the pipeline's chunking. Also what model and dimensions an index
/// holds, so a search through an alias embeds its query for the index the alias names.
/// </summary>
public sealed class EmbeddingTargets(EmbeddingConfig config, MigrationCatalog migrations)
{
    private readonly ConcurrentDictionary<string, EmbeddingConfig> _configs = new(StringComparer.Ordinal);

    public EmbeddingConfig Default => config;

    /// <summary>The settings of work on <paramref name="collection"/> planned under <paramref name="fingerprint"/>; refuses any other.</summary>
    public async Task<EmbeddingConfig> ForAsync(string collection, string fingerprint, CancellationToken ct)
    {
        if (fingerprint == config.Fingerprint && !MigrationNames.IsShadow(collection))
        {
            return config;
        }

        if (MigrationNames.TryParseShadow(collection, out _, out string name) && await migrations.GetAsync(name, ct) is { } m)
        {
            EmbeddingConfig target = Target(m.TargetModel, m.TargetDimensions);
            if (target.Fingerprint == fingerprint)
            {
                return target;
            }
        }

        config.EnsureFingerprint(fingerprint); // throws, saying what the host embeds with now
        return config;
    }

    /// <summary>The pipeline's settings with another model and dimensions.</summary>
    public EmbeddingConfig Target(string model, int? dimensions)
    {
        EmbeddingTarget target = EmbeddingTarget.Create(model, dimensions, config.Target.Chunking);
        return target.Fingerprint == config.Fingerprint
            ? config
            : _configs.GetOrAdd(target.Fingerprint, _ => new EmbeddingConfig(config.Options, config.Profile, target));
    }

    /// <summary>
    /// The settings whose vectors a physical index of <paramref name="collection"/> holds: the pipeline's own index, or
    /// either end of one of the collection's migrations; null when no known settings write to it.
    /// </summary>
    public async Task<EmbeddingConfig?> OfIndexAsync(string collection, string index, CancellationToken ct)
    {
        if (index == EmbeddingConfig.IndexName(collection, config.Fingerprint))
        {
            return config;
        }

        await foreach (MigrationDefinition m in migrations.ListAsync(ct))
        {
            if (m.Collection != collection)
            {
                continue;
            }

            if (m.TargetIndex == index)
            {
                return Target(m.TargetModel, m.TargetDimensions);
            }

            if (m.SourceIndex == index)
            {
                return Target(m.SourceModel, m.SourceDimensions);
            }
        }

        return null;
    }
}
