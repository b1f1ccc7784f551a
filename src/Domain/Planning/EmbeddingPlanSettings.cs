using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Domain.Planning;

/// <summary>How to plan embedding batches for one collection.</summary>
/// <param name="EncodingFormat">"float" or "base64"; null leaves the provider's default (float).</param>
/// <param name="MaxTokensPerBatch">An optional cap on tokens per batch (for enqueued-token limits).</param>
/// <param name="TokenizerEncoding">The tokenizer encoding; null derives it from the model (needed for Azure deployment names).</param>
/// <param name="Price">The model's price; null looks it up in <see cref="PriceTable"/>.</param>
/// <param name="BatchIdSalt">
/// Mixed into batch ids: the same items planned by another submission (after a reset) get new ids, while a retried
/// plan of the same submission gets the same ones.
/// </param>
public sealed record EmbeddingPlanSettings(
    string Collection,
    EmbeddingTarget Target,
    ProviderProfile Profile,
    string? EncodingFormat = null,
    long? MaxTokensPerBatch = null,
    string? TokenizerEncoding = null,
    ModelPrice? Price = null,
    string? BatchIdSalt = null)
{
    public EmbeddingPlanSettings Validate()
    {
        CollectionName.Validate(Collection);
        ArgumentNullException.ThrowIfNull(Target);
        ArgumentNullException.ThrowIfNull(Profile);
        if (EncodingFormat is not (null or "float" or "base64"))
        {
            throw new ArgumentException($"encoding_format must be 'float' or 'base64', not '{EncodingFormat}'.");
        }

        if (Target.Chunking.MaxInputTokens > Profile.MaxInputTokens)
        {
            throw new ArgumentException(
                $"The chunker allows {Target.Chunking.MaxInputTokens} tokens per input but the {Profile.Name} profile accepts {Profile.MaxInputTokens}.");
        }

        BatchLimits.From(Profile, MaxTokensPerBatch);
        return this;
    }
}
