namespace BatchEmbed.OpenAIEmulator;

/// <summary>How the emulator behaves. Validated once at start.</summary>
public sealed class EmulatorOptions
{
    /// <summary>Directory where files and batches persist, so a restarted emulator still knows them.</summary>
    public string DataDirectory { get; set; } = Path.Combine(".data", "emulator");

    /// <summary>The key clients must send (Authorization: Bearer, or api-key). Never logged.</summary>
    public string ApiKey { get; set; } = "emulator-key";

    /// <summary>openai: token_limit_exceeded fails the batch after validation; azure-fail-fast: HTTP 400 at create.</summary>
    public string Profile { get; set; } = "openai";

    public long MaxFileBytes { get; set; } = 200_000_000;

    public int MaxRequestsPerBatch { get; set; } = 50_000;

    public int MaxEmbeddingInputsPerBatch { get; set; } = 50_000;

    public int MaxInputTokens { get; set; } = 8191;

    /// <summary>Tokens enqueued across unfinished batches, or null for no limit.</summary>
    public long? EnqueuedTokenLimit { get; set; }

    public TimeSpan ValidationDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan FinalizingDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan CancellingDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Request lines processed per second per batch; 0 for as fast as possible.</summary>
    public int LinesPerSecond { get; set; } = 20_000;

    /// <summary>The completion window: a batch still running after it expires.</summary>
    public TimeSpan CompletionWindow { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    public EmulatorFaults Faults { get; } = new();

    public EmulatorOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory) || string.IsNullOrEmpty(ApiKey))
        {
            throw new ArgumentException("The emulator needs a data directory and an API key.");
        }

        if (Profile is not ("openai" or "azure-fail-fast"))
        {
            throw new ArgumentException($"Unknown emulator profile '{Profile}': use openai or azure-fail-fast.");
        }

        if (MaxRequestsPerBatch < 1 || MaxFileBytes < 1 || MaxInputTokens < 1 || LinesPerSecond < 0)
        {
            throw new ArgumentException("Emulator limits must be positive.");
        }

        return this;
    }
}
