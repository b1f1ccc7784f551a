namespace BatchEmbed.DurableTask.Worker;

/// <summary>Worker settings, validated once at start.</summary>
public sealed class DurableTaskWorkerOptions
{
    public int MaxConcurrentActivityWorkItems { get; set; } = Environment.ProcessorCount * 16;

    public int MaxConcurrentOrchestrationWorkItems { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>Largest input, output or event payload, in UTF-8 bytes. Pass references (blob paths, cursors) for bulk data.</summary>
    public int MaximumPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Longer timers are split into a chain of timers of at most this length (the SDK default is 3 days).</summary>
    public TimeSpan MaximumTimerInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Keep live orchestrations in memory between episodes instead of replaying their history each time.</summary>
    public bool ExtendedSessionsEnabled { get; set; } = true;

    public int ExtendedSessionCacheSize { get; set; } = 2000;

    /// <summary>Entity operations processed per lock (then state is committed and the lock released).</summary>
    public int MaxEntityOperationBatchSize { get; set; } = 100;

    /// <summary>Polling backs off from the minimum to the maximum while idle; local work wakes it at once.</summary>
    public TimeSpan MinimumPollingInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan MaximumPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    internal DurableTaskWorkerOptions Validate()
    {
        if (MaxConcurrentActivityWorkItems < 1 || MaxConcurrentOrchestrationWorkItems < 1)
        {
            throw new ArgumentException("Concurrency limits must be at least 1.");
        }

        if (MaximumPayloadBytes < 1024)
        {
            throw new ArgumentException("MaximumPayloadBytes must be at least 1 KB.");
        }

        if (MaximumTimerInterval < TimeSpan.FromSeconds(1) || MinimumPollingInterval <= TimeSpan.Zero || MaximumPollingInterval < MinimumPollingInterval)
        {
            throw new ArgumentException("Timer and polling intervals are out of range.");
        }

        return this;
    }
}
