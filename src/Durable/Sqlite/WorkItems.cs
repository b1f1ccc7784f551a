using BatchEmbed.DurableTask.History;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>A locked orchestration instance and its visible new events.</summary>
internal sealed record OrchestrationWorkItem(
    string InstanceId,
    string ExecutionId,
    string Name,
    OrchestrationRuntimeStatus Status,
    string? ParentInstanceId,
    string? ParentExecutionId,
    string? ParentName,
    int? ParentTaskId,
    IReadOnlyList<(long Sequence, HistoryEvent Event)> NewEvents,
    int HistoryCount);

/// <summary>A leased activity invocation.</summary>
internal sealed record ActivityWorkItem(long Sequence, string InstanceId, string ExecutionId, int TaskId, string Name, string? Input, int DequeueCount);

/// <summary>A locked entity, its state and its pending operations in order.</summary>
internal sealed record EntityWorkItem(string InstanceId, string Name, string Key, string? State, IReadOnlyList<(long Sequence, HistoryEvent Event)> NewEvents);

/// <summary>A message to another instance or entity, routed in the same transaction as the episode that sent it.</summary>
internal sealed record OutboundMessage(string TargetInstanceId, HistoryEvent Event, DateTime? VisibleAt = null);

/// <summary>A new orchestration to create in the same transaction (a sub-orchestration or an entity's start request).</summary>
internal sealed record NewInstance(string Name, string InstanceId, string? Input, DateTime? StartAt, string? ParentInstanceId = null, string? ParentExecutionId = null, string? ParentName = null, int? ParentTaskId = null);

/// <summary>Everything one orchestration episode commits atomically.</summary>
internal sealed class EpisodeCommit
{
    public required OrchestrationWorkItem WorkItem { get; init; }

    public List<long> ConsumedEvents { get; } = [];

    public List<HistoryEvent> NewHistory { get; } = [];

    public List<(int TaskId, string Name, string? Input)> Activities { get; } = [];

    public List<(int TimerId, DateTime FireAt)> Timers { get; } = [];

    public List<NewInstance> SubOrchestrations { get; } = [];

    public List<OutboundMessage> Messages { get; } = [];

    public OrchestrationRuntimeStatus NewStatus { get; set; }

    public string? Output { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public bool CustomStatusChanged { get; set; }

    public string? CustomStatus { get; set; }

    /// <summary>Set for ContinueAsNew: the next execution's input and the events carried into it.</summary>
    public bool ContinueAsNew { get; set; }

    public string? ContinueAsNewInput { get; set; }

    public List<HistoryEvent> CarriedEvents { get; } = [];
}
