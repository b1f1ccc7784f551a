namespace BatchEmbed.Workflows.Settings;

/// <summary>
/// The batch provider: the <c>OpenAI__*</c> settings. With no endpoint the host starts the emulator in-process and
/// uses it; set an endpoint and key to use OpenAI (https://api.openai.com/v1/) or Azure OpenAI (…/openai/v1/).
/// </summary>
public sealed class ProviderOptions
{
    public const string Section = "OpenAI";

    /// <summary>Empty: the in-process emulator.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The API key. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>openai, azure or emulator; empty: emulator without an endpoint, openai with one.</summary>
    public string? Profile { get; set; }

    public int NetworkTimeoutSeconds { get; set; } = 100;

    /// <summary>Emulator throughput (result lines per second per batch) when the emulator runs in-process.</summary>
    public int EmulatorLinesPerSecond { get; set; } = 20_000;

    public bool UsesEmulator => string.IsNullOrWhiteSpace(Endpoint);

    public string EffectiveProfile => !string.IsNullOrWhiteSpace(Profile) ? Profile! : UsesEmulator ? "emulator" : "openai";

    public ProviderOptions Validate()
    {
        if (!UsesEmulator)
        {
            if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new InvalidOperationException($"OpenAI__Endpoint must be an absolute http(s) URL.");
            }

            if (string.IsNullOrWhiteSpace(ApiKey))
            {
                throw new InvalidOperationException("OpenAI__ApiKey must be set when OpenAI__Endpoint is.");
            }
        }

        if (EffectiveProfile is not ("openai" or "azure" or "emulator"))
        {
            throw new InvalidOperationException($"OpenAI__Profile must be openai, azure or emulator, not '{Profile}'.");
        }

        if (NetworkTimeoutSeconds is < 1 or > 3600 || EmulatorLinesPerSecond < 0)
        {
            throw new InvalidOperationException("OpenAI__NetworkTimeoutSeconds must be 1-3600 and OpenAI__EmulatorLinesPerSecond not negative.");
        }

        return this;
    }
}
