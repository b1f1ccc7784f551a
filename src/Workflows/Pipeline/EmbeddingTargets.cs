using System.Collections.Concurrent;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Migrations;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// The embedding settings a collection's work runs under: the pipeline's own, or for a migration's shadow collection,
/// the migration's target model and dimensions with the pipeline's chunking. Also what model and dimensions an index
/// holds, so a search through an alias embeds its query for the index the alias names.
/// </summary>
public sealed class EmbeddingTargets(EmbeddingConfig config, MigrationCatalog migrations, IVectorStore vectors)
{
    private readonly ConcurrentDictionary<string, EmbeddingConfig> _configs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmbeddingConfig> _indexes = new(StringComparer.Ordinal);

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
    /// The index searches of a collection use (the one its alias names after a migration's swap, else the pipeline's
    /// own) and the settings its vectors were made with; null settings when no known settings write to it. One read of
    /// the alias map, so a search during a swap sees the old index or the new one.
    /// </summary>
    public async Task<(string Index, EmbeddingConfig? Config)> ServingAsync(string collection, CancellationToken ct)
    {
        string resolved = await vectors.ResolveAsync(collection, ct);
        return resolved == collection
            ? (EmbeddingConfig.IndexName(collection, config.Fingerprint), config)
            : (resolved, await OfIndexAsync(collection, resolved, ct));
    }

    /// <summary>
    /// The settings of a physical index: the pipeline's own, or either end of one of the collection's migrations.
    /// Definitions never change, so an index found once is not looked up again (searches after a swap come here).
    /// </summary>
    private async Task<EmbeddingConfig?> OfIndexAsync(string collection, string index, CancellationToken ct)
    {
        if (index == EmbeddingConfig.IndexName(collection, config.Fingerprint))
        {
            return config;
        }

        if (_indexes.TryGetValue(index, out EmbeddingConfig? known))
        {
            return known;
        }

        await foreach (MigrationDefinition m in migrations.ListAsync(ct))
        {
            if (m.Collection == collection && (m.TargetIndex == index || m.SourceIndex == index))
            {
                EmbeddingConfig found = m.TargetIndex == index ? Target(m.TargetModel, m.TargetDimensions) : Target(m.SourceModel, m.SourceDimensions);
                return _indexes.GetOrAdd(index, found);
            }
        }

        return null;
    }
}
