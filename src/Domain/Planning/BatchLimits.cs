namespace BatchEmbed.Domain.Planning;

/// <summary>The limits one batch file must respect: the profile's, tightened by an optional token cap.</summary>
public sealed record BatchLimits(int MaxRequests, int? MaxInputs, long MaxFileBytes, long? MaxTokens)
{
    public static BatchLimits From(ProviderProfile profile, long? maxTokensPerBatch)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (maxTokensPerBatch is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokensPerBatch), maxTokensPerBatch, "A token cap per batch must be positive.");
        }

        return new BatchLimits(profile.MaxRequestsPerBatch, profile.MaxEmbeddingInputsPerBatch, profile.MaxFileBytes, maxTokensPerBatch);
    }
}
