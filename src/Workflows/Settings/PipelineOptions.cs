using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;

namespace BatchEmbed.Workflows.Settings;

/// <summary>What to embed and how: the <c>Pipeline__*</c> settings. Bound and validated once at start-up.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Where the embedded stores live: items.db, durable.db, blobs/, vectors/, keys.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>The embedding model (on Azure, the deployment name; set <see cref="TokenizerEncoding"/> and <see cref="PriceModel"/> too).</summary>
    public string Model { get; set; } = EmbeddingModels.TextEmbedding3Small;

    public int? Dimensions { get; set; }

    /// <summary>How the provider returns vectors: base64 (compact, fast to parse) or float.</summary>
    public string EncodingFormat { get; set; } = "base64";

    public int ChunkTokens { get; set; } = ChunkerSettings.Default.WindowTokens;

    public double ChunkOverlap { get; set; } = ChunkerSettings.Default.OverlapFraction;

    /// <summary>cl100k_base or o200k_base; empty derives it from the model.</summary>
    public string? TokenizerEncoding { get; set; }

    /// <summary>The model whose price applies (for Azure deployment names); empty uses <see cref="Model"/>.</summary>
    public string? PriceModel { get; set; }

    /// <summary>An optional cap on tokens per batch file.</summary>
    public long? MaxTokensPerBatch { get; set; }

    /// <summary>
    /// The provider's enqueued-token limit (tokens in unfinished batches, per model), for every model; overridden per
    /// model by <see cref="EnqueuedTokenLimits"/>. Empty: learned from the provider's refusals.
    /// </summary>
    public long? EnqueuedTokenLimit { get; set; }

    /// <summary>Per-model enqueued-token limits (<c>Pipeline__EnqueuedTokenLimits__text-embedding-3-large=3000000</c>).</summary>
    public Dictionary<string, long> EnqueuedTokenLimits { get; set; } = [];

    /// <summary>An optional cap on our batches open at the provider at once (all models).</summary>
    public int? MaxOpenBatches { get; set; }

    /// <summary>
    /// The OpenAI usage tier (1–5): where no limit is configured for a model, the limit OpenAI publishes for that tier
    /// is used if this project records one (<see cref="OpenAITierLimits"/>); otherwise it is learned from refusals.
    /// </summary>
    public int? OpenAIUsageTier { get; set; }

    /// <summary>Items per FindUnembedded page; each page is chunked and serialized by one activity.</summary>
    public int PageSize { get; set; } = 20_000;

    /// <summary>How many activities of one fan-out run at once.</summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>Attempts per item before it is marked Failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>A default budget per submission in USD; empty means none.</summary>
    public decimal? BudgetUsd { get; set; }

    /// <summary>manual: the timer only ingests. auto: it also submits what needs embedding.</summary>
    public string Mode { get; set; } = "manual";

    /// <summary>Seconds between polls while an ingest waits for its batches.</summary>
    public int PollSeconds { get; set; } = 5;

    /// <summary>Synchronous fallback (providers that cannot batch embeddings): inputs per request.</summary>
    public int SyncInputsPerRequest { get; set; } = 128;

    /// <summary>Synchronous fallback: requests per minute.</summary>
    public int SyncRequestsPerMinute { get; set; } = 600;

    /// <summary>Extra metadata put on every batch (at most 12 pairs; the pipeline uses 3 of OpenAI's 16).</summary>
    public Dictionary<string, string> BatchMetadata { get; set; } = [];

    /// <summary>The smallest enqueued-token limit accepted: one embedding input of the most tokens a model takes.</summary>
    public const long MinEnqueuedTokenLimit = 8_192;

    public QuotaLimits QuotaLimits() => new(
        EnqueuedTokenLimit,
        new Dictionary<string, long>(EnqueuedTokenLimits, StringComparer.Ordinal),
        MaxOpenBatches,
        OpenAIUsageTier is { } tier ? OpenAITierLimits.At(tier) : null);

    /// <summary>
    /// The configured cap on tokens per batch, lowered to <paramref name="model"/>'s enqueued-token limit where one is
    /// configured, so every batch fits under the limit on its own.
    /// </summary>
    public long? MaxTokensPerBatchFor(string model)
    {
        long? cap = MaxTokensPerBatch;
        if (QuotaLimits().TokenLimit(model) is { } limit)
        {
            cap = cap is { } c ? Math.Min(c, limit) : limit;
        }

        return cap;
    }

    public EmbeddingTarget Target() =>
        EmbeddingTarget.Create(Model, Dimensions, new ChunkerSettings(ChunkTokens, ChunkOverlap));

    public PipelineOptions Validate()
    {
        Require(!string.IsNullOrWhiteSpace(DataDirectory), "Pipeline__DataDirectory must be set.");
        Require(EncodingFormat is "base64" or "float", $"Pipeline__EncodingFormat must be base64 or float, not '{EncodingFormat}'.");
        Require(PageSize is >= 1 and <= 1_000_000, "Pipeline__PageSize must be between 1 and 1,000,000.");
        Require(MaxConcurrency is >= 1 and <= 100, "Pipeline__MaxConcurrency must be between 1 and 100.");
        Require(MaxAttempts is >= 1 and <= 100, "Pipeline__MaxAttempts must be between 1 and 100.");
        Require(BudgetUsd is null or >= 0, "Pipeline__BudgetUsd cannot be negative.");
        Require(Mode is "manual" or "auto", $"Pipeline__Mode must be manual or auto, not '{Mode}'.");
        Require(PollSeconds is >= 1 and <= 3600, "Pipeline__PollSeconds must be between 1 and 3600.");
        Require(SyncInputsPerRequest is >= 1 and <= 2048, "Pipeline__SyncInputsPerRequest must be between 1 and 2048 (the API's limit).");
        Require(SyncRequestsPerMinute >= 1, "Pipeline__SyncRequestsPerMinute must be at least 1.");
        Require(BatchMetadata.Count <= 12, "Pipeline__BatchMetadata takes at most 12 pairs.");
        Require(EnqueuedTokenLimit is null or >= MinEnqueuedTokenLimit, $"Pipeline__EnqueuedTokenLimit must be at least {MinEnqueuedTokenLimit:N0} tokens (one full embedding input).");
        Require(EnqueuedTokenLimits.Values.All(v => v >= MinEnqueuedTokenLimit), $"Every Pipeline__EnqueuedTokenLimits__<model> must be at least {MinEnqueuedTokenLimit:N0} tokens.");
        Require(MaxOpenBatches is null or >= 1, "Pipeline__MaxOpenBatches must be at least 1.");
        Require(OpenAIUsageTier is null or (>= 1 and <= 5), "Pipeline__OpenAIUsageTier must be 1, 2, 3, 4 or 5.");
        try
        {
            Target();
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException("Invalid embedding settings: " + ex.Message, ex);
        }

        return this;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
