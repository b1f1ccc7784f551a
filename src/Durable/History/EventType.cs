namespace BatchEmbed.DurableTask.History;

/// <summary>History event kinds, named as in Durable Task Core.</summary>
public enum EventType
{
    ExecutionStarted,
    ExecutionCompleted,
    ExecutionTerminated,
    ExecutionSuspended,
    ExecutionResumed,
    TaskScheduled,
    TaskCompleted,
    TaskFailed,
    SubOrchestrationInstanceCreated,
    SubOrchestrationInstanceCompleted,
    SubOrchestrationInstanceFailed,
    TimerCreated,
    TimerFired,
    OrchestratorStarted,
    OrchestratorCompleted,
    EventSent,
    EventRaised,
    ContinueAsNew,
}
