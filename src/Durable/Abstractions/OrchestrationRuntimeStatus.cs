namespace BatchEmbed.DurableTask;

/// <summary>Runtime status; the integer values match Durable Task Core's <c>OrchestrationStatus</c>.</summary>
public enum OrchestrationRuntimeStatus
{
    Running = 0,
    Completed = 1,
    [Obsolete("Not used by this runtime; ContinueAsNew keeps the instance Running.")]
    ContinuedAsNew = 2,
    Failed = 3,
    [Obsolete("Not used by this runtime.")]
    Canceled = 4,
    Terminated = 5,
    Pending = 6,
    Suspended = 7,
}
