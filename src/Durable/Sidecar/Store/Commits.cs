using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>A message to an orchestration. <paramref name="ExecutionId"/> binds it to one execution (null: any).</summary>
internal sealed record OrchestrationMessage(string InstanceId, string? ExecutionId, P.HistoryEvent Event, long VisibleAt);

/// <summary>A message to an entity, and how its sender takes replies.</summary>
internal sealed record EntityMessage(string EntityId, P.HistoryEvent Event, ReplyForm ReplyForm, long VisibleAt);

/// <summary>How an orchestration takes entity replies (lock grants, operation results).</summary>
internal enum ReplyForm
{
    /// <summary>DT Core's external events with JSON bodies, as the .NET SDK's worker sends and expects by default.</summary>
    ExternalEvents = 0,

    /// <summary>The protocol's own entity events (EntityOperationCompleted and friends), as the JavaScript SDK uses.</summary>
    EntityEvents = 1,
}

/// <summary>
/// An orchestration to create: from a client, a parent orchestration or an entity. <paramref name="ReplaceableStatuses"/>
/// are the statuses of an existing instance with the same id that may be overwritten (null: the terminal ones).
/// </summary>
internal sealed record NewOrchestration(
    string InstanceId,
    string Name,
    string? Version,
    string? Input,
    long? ScheduledStartAt,
    IReadOnlyDictionary<string, string>? Tags,
    P.ParentInstanceInfo? Parent,
    P.TraceContext? TraceContext,
    IReadOnlyCollection<P.OrchestrationStatus>? ReplaceableStatuses = null);

/// <summary>Everything one orchestration episode commits in one transaction.</summary>
internal sealed class EpisodeCommit
{
    public required string InstanceId { get; init; }

    /// <summary>The execution and history length the episode ran against; the commit is refused if either changed.</summary>
    public required string ExecutionId { get; init; }

    public required int HistoryLength { get; init; }

    /// <summary>Inbox rows the episode consumed (or found stale).</summary>
    public List<long> Consumed { get; } = [];

    /// <summary>Events appended to the history; with <see cref="ReplaceHistory"/>, the whole new history.</summary>
    public List<P.HistoryEvent> History { get; } = [];

    public bool ReplaceHistory { get; set; }

    /// <summary>Set when the execution changes: continue-as-new (history restarts empty) or rewind (history replaced).</summary>
    public string? NextExecutionId { get; set; }

    public P.OrchestrationStatus Status { get; set; } = P.OrchestrationStatus.Running;

    public string? Output { get; set; }

    public P.TaskFailureDetails? Failure { get; set; }

    public string? CustomStatus { get; set; }

    /// <summary>Continue-as-new: the next execution's input and version (the start and carried events go in <see cref="Messages"/>).</summary>
    public string? NextInput { get; set; }

    public string? NextVersion { get; set; }

    public List<P.ActivityRequest> Activities { get; } = [];

    public List<OrchestrationMessage> Messages { get; } = [];

    public List<EntityMessage> EntityMessages { get; } = [];

    /// <summary>Sub-orchestrations; one that can't be created fails the parent's task with the reason.</summary>
    public List<NewOrchestration> Children { get; } = [];

    /// <summary>Set when the instance ended by termination with recursion: its running children are terminated too.</summary>
    public string? TerminateChildrenReason { get; set; }

    public bool TerminateChildren { get; set; }

    /// <summary>Failed sub-orchestrations a rewind rewinds too.</summary>
    public List<string> RewindChildren { get; set; } = [];

    public bool IsTerminal => Statuses.IsTerminal(Status);
}

/// <summary>What one entity work item (or a lock step without one) commits in one transaction.</summary>
internal sealed class EntityCommit
{
    public required string EntityId { get; init; }

    public List<long> Consumed { get; } = [];

    public bool StateChanged { get; set; }

    public string? State { get; set; }

    public string? LockOwner { get; set; }

    public string? LockId { get; set; }

    public List<OrchestrationMessage> Replies { get; } = [];

    public List<EntityMessage> Messages { get; } = [];

    public List<NewOrchestration> Starts { get; } = [];
}
