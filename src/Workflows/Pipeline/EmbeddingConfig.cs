using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>The embedding target, provider profile and prices the pipeline runs with, resolved once from settings.</summary>
public sealed class EmbeddingConfig
{
    private readonly PipelineOptions _options;

    public EmbeddingConfig(PipelineOptions options, ProviderProfile profile)
        : this(options, profile, options.Target())
    {
    }

    /// <summary>The pipeline's settings with another target (a migration's): its model's price, unless it is the pipeline's own model.</summary>
    public EmbeddingConfig(PipelineOptions options, ProviderProfile profile, EmbeddingTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        _options = options;
        Profile = profile;
        Target = target;
        bool own = string.Equals(target.Model, options.Model, StringComparison.Ordinal);
        Price = PriceTable.Get(own && !string.IsNullOrWhiteSpace(options.PriceModel) ? options.PriceModel : target.Model);
    }

    public EmbeddingTarget Target { get; }

    public string Fingerprint => Target.Fingerprint;

    public ProviderProfile Profile { get; }

    public ModelPrice Price { get; }

    /// <summary>The batch price where the provider batches embeddings, else the synchronous price of the fallback.</summary>
    public PriceTier Tier => Profile.SupportsBatchEmbeddings ? PriceTier.Batch : PriceTier.Standard;

    public PipelineOptions Options => _options;

    /// <summary>A page's planning settings; custom ids name the collection whose vectors they are (a shadow's source).</summary>
    public EmbeddingPlanSettings PlanSettings(string collection, string salt) => new(
        MigrationNames.VectorCollection(collection),
        Target,
        Profile,
        _options.EncodingFormat,
        MaxTokensPerBatch(),
        string.IsNullOrWhiteSpace(_options.TokenizerEncoding) ? null : _options.TokenizerEncoding,
        Price,
        salt);

    /// <summary>The cap on tokens per batch file for the embedding model (<see cref="PipelineOptions.MaxTokensPerBatchFor"/>).</summary>
    public long? MaxTokensPerBatch() => _options.MaxTokensPerBatchFor(Target.Model);

    /// <summary>Refuses work planned under other settings (the model or dimensions changed while a run was in flight).</summary>
    public void EnsureFingerprint(string fingerprint)
    {
        if (!string.Equals(fingerprint, Fingerprint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"This run was planned for fingerprint {fingerprint} but the host now embeds with {Fingerprint} ({Target.Model}); start a new submission.");
        }
    }

    /// <summary>
    /// The physical vector index of a collection under a fingerprint: vectors of different models or dimensions never
    /// share an index, so changing either re-embeds into a fresh one. A migration's shadow collection writes to its
    /// source's index of the target fingerprint: the index the pipeline itself uses once it embeds with those settings.
    /// </summary>
    public static string IndexName(string collection, string fingerprint) => $"{MigrationNames.VectorCollection(collection)}.{fingerprint}";
}
