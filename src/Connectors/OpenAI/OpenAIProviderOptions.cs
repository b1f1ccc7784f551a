using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Connectors.OpenAI;

/// <summary>Where and how to reach the batch provider. The key is never logged.</summary>
public sealed record OpenAIProviderOptions
{
    /// <summary>openai, azure (v1 endpoint, api-key header, deployment names as models) or emulator.</summary>
    public string Profile { get; init; } = "openai";

    /// <summary>The API root, e.g. https://RES.openai.azure.com/openai/v1/; null means api.openai.com.</summary>
    public Uri? Endpoint { get; init; }

    public required string ApiKey { get; init; }

    /// <summary>Per-call network timeout.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Attempts of our own create retry (each first looks for the batch by metadata).</summary>
    public int CreateAttempts { get; init; } = 4;

    /// <summary>How far back the metadata search looks.</summary>
    public TimeSpan FindWindow { get; init; } = TimeSpan.FromDays(3);

    public ProviderProfile ProviderProfile => Domain.Planning.ProviderProfile.Get(Profile);

    public OpenAIProviderOptions Validate()
    {
        _ = ProviderProfile;
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("An API key is required (OpenAI key, Azure OpenAI key, or the emulator's key).");
        }

        if (Profile == "azure" && Endpoint is null)
        {
            throw new ArgumentException("The azure profile needs the v1 endpoint, https://RESOURCE.openai.azure.com/openai/v1/.");
        }

        if (CreateAttempts < 1 || NetworkTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("CreateAttempts must be at least 1 and NetworkTimeout positive.");
        }

        return this;
    }
}
