using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>One row of <c>Orchestrations</c>: an instance's current execution and status.</summary>
internal sealed record InstanceRecord(
    string InstanceId,
    string ExecutionId,
    string Name,
    string? Version,
    P.OrchestrationStatus Status,
    long CreatedAt,
    long LastUpdatedAt,
    long? CompletedAt,
    long? ScheduledStartAt,
    string? Input,
    string? Output,
    string? CustomStatus,
    P.TaskFailureDetails? Failure,
    string? ParentInstanceId,
    string? Tags,
    int HistoryLength)
{
    public bool IsTerminal => Statuses.IsTerminal(Status);
}

/// <summary>The protocol's runtime statuses, grouped as the store uses them.</summary>
internal static class Statuses
{
    public static readonly P.OrchestrationStatus[] Terminal =
    [
        P.OrchestrationStatus.Completed, P.OrchestrationStatus.Failed, P.OrchestrationStatus.Terminated, P.OrchestrationStatus.Canceled,
    ];

    public static bool IsTerminal(P.OrchestrationStatus s) => s is P.OrchestrationStatus.Completed or P.OrchestrationStatus.Failed
        or P.OrchestrationStatus.Terminated or P.OrchestrationStatus.Canceled;

    /// <summary>SQL list of the terminal statuses, for <c>RuntimeStatus IN (...)</c>.</summary>
    public const string TerminalSql = "1, 3, 4, 5";
}
