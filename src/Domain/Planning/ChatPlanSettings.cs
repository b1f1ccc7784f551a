using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Domain.Planning;

/// <summary>How to plan chat-completion batches: one model for the whole plan, so one model per file.</summary>
/// <param name="Name">Names the batches (<c>cmp-{Name}-...</c>): a collection-style name.</param>
/// <param name="BatchIdSalt">Mixed into batch ids (a submission's id), so a retry writes the same batches and another run new ones.</param>
/// <param name="ExpectedOutputTokens">Output tokens assumed per request when a request sets no maximum, for cost projection.</param>
public sealed record ChatPlanSettings(
    string Name,
    string Model,
    ProviderProfile Profile,
    long? MaxTokensPerBatch = null,
    int ExpectedOutputTokens = 256,
    string? TokenizerEncoding = null,
    ModelPrice? Price = null,
    string? BatchIdSalt = null);
