namespace BatchEmbed.DurableTask.Sidecar;

/// <summary>Settings of the durable backend (the sidecar), validated once at start.</summary>
public sealed record SidecarOptions
{
    /// <summary>The SQLite file that holds the task hub. One backend process owns it at a time.</summary>
    public string DatabasePath { get; init; } = Path.Combine(".data", "durable.db");

    /// <summary>Largest input, output, result, event or entity state, in UTF-8 bytes; bigger ones are refused with a clear error.</summary>
    public int MaxPayloadBytes { get; init; } = 1024 * 1024;

    /// <summary>New events handed to one orchestration episode at most; the rest follow in the next one.</summary>
    public int MaxEventsPerEpisode { get; init; } = 10_000;

    /// <summary>Entity operations handed to one entity work item at most.</summary>
    public int MaxOperationsPerEntityBatch { get; init; } = 500;

    /// <summary>Above this size the past history is not sent in the work item; the worker streams it in chunks instead.</summary>
    public int HistoryStreamingThresholdBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>How often an idle work-item stream gets a health ping (the .NET worker reconnects after 120 s of silence).</summary>
    public TimeSpan HealthPingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an abandoned work item waits before it is handed out again.</summary>
    public TimeSpan AbandonRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Passed to orchestrations as their entity parameters (DT Core orders entity messages within this window).</summary>
    public TimeSpan EntityMessageReorderWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>History events kept in memory across episodes, so a live orchestration's history is not re-read each time.</summary>
    public int HistoryCacheEvents { get; init; } = 500_000;

    /// <summary>The task hub's name, reported to clients; one backend serves one hub.</summary>
    public string TaskHubName { get; init; } = "default";

    public SidecarOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath))
        {
            throw new ArgumentException("DatabasePath must name a SQLite file.");
        }

        if (MaxPayloadBytes < 1024 || MaxPayloadBytes > 3 * 1024 * 1024)
        {
            throw new ArgumentException("MaxPayloadBytes must be at least 1 KB and at most 3 MB (the SDKs' gRPC channels take messages of up to 4 MB by default).");
        }

        if (MaxEventsPerEpisode < 1 || MaxOperationsPerEntityBatch < 1 || HistoryCacheEvents < 0)
        {
            throw new ArgumentException("MaxEventsPerEpisode and MaxOperationsPerEntityBatch must be at least 1, HistoryCacheEvents at least 0.");
        }

        if (HistoryStreamingThresholdBytes < 64 * 1024)
        {
            throw new ArgumentException("HistoryStreamingThresholdBytes must be at least 64 KB.");
        }

        if (HealthPingInterval < TimeSpan.FromMilliseconds(100) || AbandonRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("HealthPingInterval must be at least 100 ms and AbandonRetryDelay not negative.");
        }

        return this;
    }
}
