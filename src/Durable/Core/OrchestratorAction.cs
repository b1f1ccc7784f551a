namespace BatchEmbed.DurableTask.Core;

internal enum ActionKind
{
    ScheduleTask,
    CreateTimer,
    CreateSubOrchestration,
    SendEvent,
}

/// <summary>Something the orchestrator asked for in this episode, identified by its sequence number.</summary>
internal sealed record OrchestratorAction(int Id, ActionKind Kind, string Name)
{
    public string? Input { get; init; }

    public DateTime? FireAt { get; init; }

    /// <summary>Sub-orchestration instance id, or the target of a sent event.</summary>
    public string? InstanceId { get; init; }

    /// <summary>For entity signals scheduled for later: when the message becomes visible.</summary>
    public DateTime? VisibleAt { get; init; }
}
