using Google.Protobuf.WellKnownTypes;
using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar;

/// <summary>The history events the backend itself writes (every event needs a timestamp: the SDKs read it).</summary>
internal static class ProtocolEvents
{
    public static Timestamp Time(long unixMs) => Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(unixMs));

    public static long UnixMs(Timestamp t) => t.ToDateTimeOffset().ToUnixTimeMilliseconds();

    public static P.HistoryEvent New(long nowMs) => new() { EventId = -1, Timestamp = Time(nowMs) };

    public static P.HistoryEvent OrchestratorStarted(long nowMs) => With(New(nowMs), e => e.OrchestratorStarted = new P.OrchestratorStartedEvent());

    public static P.HistoryEvent OrchestratorCompleted(long nowMs) => With(New(nowMs), e => e.OrchestratorCompleted = new P.OrchestratorCompletedEvent());

    public static P.HistoryEvent ExecutionStarted(string instanceId, string executionId, NewOrchestration n, long nowMs)
    {
        var started = new P.ExecutionStartedEvent
        {
            Name = n.Name,
            Version = n.Version,
            Input = n.Input,
            OrchestrationInstance = new P.OrchestrationInstance { InstanceId = instanceId, ExecutionId = executionId },
            ParentInstance = n.Parent,
            ScheduledStartTimestamp = n.ScheduledStartAt is { } at ? Time(at) : null,
            ParentTraceContext = n.TraceContext,
        };
        if (n.Tags is not null)
        {
            foreach ((string key, string value) in n.Tags)
            {
                started.Tags[key] = value;
            }
        }

        return With(New(nowMs), e => e.ExecutionStarted = started);
    }

    public static P.HistoryEvent EventRaised(string name, string? input, long nowMs) =>
        With(New(nowMs), e => e.EventRaised = new P.EventRaisedEvent { Name = name, Input = input });

    public static P.HistoryEvent TimerFired(int timerId, Timestamp fireAt, long nowMs) =>
        With(New(nowMs), e => e.TimerFired = new P.TimerFiredEvent { TimerId = timerId, FireAt = fireAt });

    public static P.HistoryEvent TaskCompleted(int taskId, string? result, long nowMs) =>
        With(New(nowMs), e => e.TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = taskId, Result = result });

    public static P.HistoryEvent TaskFailed(int taskId, P.TaskFailureDetails failure, long nowMs) =>
        With(New(nowMs), e => e.TaskFailed = new P.TaskFailedEvent { TaskScheduledId = taskId, FailureDetails = failure });

    public static P.HistoryEvent ChildCompleted(int taskId, string? result, long nowMs) =>
        With(New(nowMs), e => e.SubOrchestrationInstanceCompleted = new P.SubOrchestrationInstanceCompletedEvent { TaskScheduledId = taskId, Result = result });

    public static P.HistoryEvent ChildFailed(int taskId, P.TaskFailureDetails failure, long nowMs) =>
        With(New(nowMs), e => e.SubOrchestrationInstanceFailed = new P.SubOrchestrationInstanceFailedEvent { TaskScheduledId = taskId, FailureDetails = failure });

    public static P.HistoryEvent Terminated(string? output, bool recurse, long nowMs) =>
        With(New(nowMs), e => e.ExecutionTerminated = new P.ExecutionTerminatedEvent { Input = output, Recurse = recurse });

    public static P.HistoryEvent Suspended(string? reason, long nowMs) =>
        With(New(nowMs), e => e.ExecutionSuspended = new P.ExecutionSuspendedEvent { Input = reason });

    public static P.HistoryEvent Resumed(string? reason, long nowMs) =>
        With(New(nowMs), e => e.ExecutionResumed = new P.ExecutionResumedEvent { Input = reason });

    public static P.HistoryEvent Rewound(string? reason, string? parentExecutionId, long nowMs) =>
        With(New(nowMs), e => e.ExecutionRewound = new P.ExecutionRewoundEvent { Reason = reason, ParentExecutionId = parentExecutionId });

    public static P.HistoryEvent ExecutionCompleted(int eventId, P.OrchestrationStatus status, string? result, P.TaskFailureDetails? failure, long nowMs)
    {
        P.HistoryEvent e = New(nowMs);
        e.EventId = eventId;
        e.ExecutionCompleted = new P.ExecutionCompletedEvent { OrchestrationStatus = status, Result = result, FailureDetails = failure };
        return e;
    }

    public static P.TaskFailureDetails Failure(string errorType, string message, bool nonRetriable = false) =>
        new() { ErrorType = errorType, ErrorMessage = message, IsNonRetriable = nonRetriable };

    private static P.HistoryEvent With(P.HistoryEvent e, Action<P.HistoryEvent> set)
    {
        set(e);
        return e;
    }
}
