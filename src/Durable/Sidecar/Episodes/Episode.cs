using System.Globalization;
using BatchEmbed.DurableTask.Sidecar.Entities;
using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Episodes;

/// <summary>Applies one episode's actions, in order, to its commit.</summary>
internal sealed class Episode(EpisodeCommit commit, OrchestrationWork work, long now)
{
    private string InstanceId => commit.InstanceId;

    private string ExecutionId => commit.ExecutionId;

    /// <summary>Applies an action; true when the execution ended (continue-as-new or rewind) and later actions don't count.</summary>
    public bool Apply(P.OrchestratorAction action)
    {
        switch (action.OrchestratorActionTypeCase)
        {
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask:
                ScheduleTask(action.Id, action.ScheduleTask);
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer:
                CreateTimer(action.Id, action.CreateTimer);
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration:
                CreateChild(action.Id, action.CreateSubOrchestration);
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent:
                SendEvent(action.Id, action.SendEvent);
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEntityMessage:
                SendEntityMessage(action.Id, action.SendEntityMessage);
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.TerminateOrchestration:
                P.TerminateOrchestrationAction t = action.TerminateOrchestration;
                commit.Messages.Add(new OrchestrationMessage(t.InstanceId, null, ProtocolEvents.Terminated(t.Reason, t.Recurse, now), now));
                return false;
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration:
                return Complete(action.Id, action.CompleteOrchestration);
            case P.OrchestratorAction.OrchestratorActionTypeOneofCase.RewindOrchestration:
                Rewind(action.RewindOrchestration);
                return true;
            default:
                throw new UnsupportedActionException($"The durable backend does not support orchestrator action '{action.OrchestratorActionTypeCase}' (action #{action.Id}).");
        }
    }

    private P.HistoryEvent Event(int eventId)
    {
        P.HistoryEvent e = ProtocolEvents.New(now);
        e.EventId = eventId;
        return e;
    }

    private void ScheduleTask(int id, P.ScheduleTaskAction a)
    {
        P.HistoryEvent scheduled = Event(id);
        scheduled.TaskScheduled = new P.TaskScheduledEvent { Name = a.Name, Version = a.Version, Input = a.Input, ParentTraceContext = a.ParentTraceContext };
        scheduled.TaskScheduled.Tags.Add(a.Tags);
        commit.History.Add(scheduled);
        var request = new P.ActivityRequest
        {
            Name = a.Name,
            Version = a.Version,
            Input = a.Input,
            TaskId = id,
            OrchestrationInstance = new P.OrchestrationInstance { InstanceId = InstanceId, ExecutionId = ExecutionId },
            ParentTraceContext = a.ParentTraceContext,
        };
        request.Tags.Add(a.Tags);
        commit.Activities.Add(request);
    }

    private void CreateTimer(int id, P.CreateTimerAction a)
    {
        P.HistoryEvent created = Event(id);
        created.TimerCreated = new P.TimerCreatedEvent { FireAt = a.FireAt };
        commit.History.Add(created);
        long fireAt = ProtocolEvents.UnixMs(a.FireAt);
        commit.Messages.Add(new OrchestrationMessage(InstanceId, ExecutionId, ProtocolEvents.TimerFired(id, a.FireAt, Math.Max(now, fireAt)), fireAt));
    }

    private void CreateChild(int id, P.CreateSubOrchestrationAction a)
    {
        string childId = string.IsNullOrEmpty(a.InstanceId) ? string.Create(CultureInfo.InvariantCulture, $"{InstanceId}:{id:D4}") : a.InstanceId;
        P.HistoryEvent created = Event(id);
        created.SubOrchestrationInstanceCreated = new P.SubOrchestrationInstanceCreatedEvent
        {
            InstanceId = childId, Name = a.Name, Version = a.Version, Input = a.Input, ParentTraceContext = a.ParentTraceContext,
        };
        created.SubOrchestrationInstanceCreated.Tags.Add(a.Tags);
        commit.History.Add(created);
        var parent = new P.ParentInstanceInfo
        {
            TaskScheduledId = id,
            Name = work.Started?.Name,
            Version = work.Started?.Version,
            OrchestrationInstance = new P.OrchestrationInstance { InstanceId = InstanceId, ExecutionId = ExecutionId },
        };
        commit.Children.Add(new NewOrchestration(childId, a.Name, a.Version, a.Input, null, a.Tags, parent, a.ParentTraceContext));
    }

    private void SendEvent(int id, P.SendEventAction a)
    {
        string target = a.Instance?.InstanceId ?? string.Empty;
        P.HistoryEvent sent = Event(id);
        sent.EventSent = new P.EventSentEvent { InstanceId = target, Name = a.Name, Input = a.Data };
        commit.History.Add(sent);
        if (!target.StartsWith('@'))
        {
            commit.Messages.Add(new OrchestrationMessage(target, null, ProtocolEvents.EventRaised(a.Name, a.Data, now), now));
        }
        else if (LegacyEntityMessages.TryDecode(a.Name, a.Data, target, InstanceId, ExecutionId, out P.HistoryEvent message, out DateTimeOffset? due, out string? error))
        {
            message.Timestamp = ProtocolEvents.Time(now);
            commit.EntityMessages.Add(new EntityMessage(target, message, ReplyForm.ExternalEvents, Math.Max(now, due?.ToUnixTimeMilliseconds() ?? now)));
        }
        else
        {
            throw new UnsupportedActionException($"Action #{id} sends an entity message to '{target}' that the backend can't read: {error}.");
        }
    }

    private void SendEntityMessage(int id, P.SendEntityMessageAction a)
    {
        P.HistoryEvent message = ProtocolEvents.New(now);
        string target;
        long visibleAt = now;
        switch (a.EntityMessageTypeCase)
        {
            case P.SendEntityMessageAction.EntityMessageTypeOneofCase.EntityOperationSignaled:
                message.EntityOperationSignaled = a.EntityOperationSignaled.Clone();
                target = message.EntityOperationSignaled.TargetInstanceId;
                visibleAt = Due(message.EntityOperationSignaled.ScheduledTime);
                break;
            case P.SendEntityMessageAction.EntityMessageTypeOneofCase.EntityOperationCalled:
                P.EntityOperationCalledEvent call = message.EntityOperationCalled = a.EntityOperationCalled.Clone();
                call.ParentInstanceId = string.IsNullOrEmpty(call.ParentInstanceId) ? InstanceId : call.ParentInstanceId;
                call.ParentExecutionId = string.IsNullOrEmpty(call.ParentExecutionId) ? ExecutionId : call.ParentExecutionId;
                target = call.TargetInstanceId;
                visibleAt = Due(call.ScheduledTime);
                break;
            case P.SendEntityMessageAction.EntityMessageTypeOneofCase.EntityLockRequested:
                P.EntityLockRequestedEvent request = message.EntityLockRequested = a.EntityLockRequested.Clone();
                request.ParentInstanceId = string.IsNullOrEmpty(request.ParentInstanceId) ? InstanceId : request.ParentInstanceId;
                target = request.LockSet.Count > request.Position ? request.LockSet[request.Position] : string.Empty;
                break;
            case P.SendEntityMessageAction.EntityMessageTypeOneofCase.EntityUnlockSent:
                P.EntityUnlockSentEvent unlock = message.EntityUnlockSent = a.EntityUnlockSent.Clone();
                unlock.ParentInstanceId = string.IsNullOrEmpty(unlock.ParentInstanceId) ? InstanceId : unlock.ParentInstanceId;
                target = unlock.TargetInstanceId;
                break;
            default:
                throw new UnsupportedActionException($"Action #{id} sends an entity message of an unknown kind ({a.EntityMessageTypeCase}).");
        }

        if (!target.StartsWith('@'))
        {
            throw new UnsupportedActionException($"Action #{id} sends an entity message to '{target}', which is not an entity id (@name@key).");
        }

        P.HistoryEvent recorded = message.Clone();
        recorded.EventId = id;
        commit.History.Add(recorded);
        commit.EntityMessages.Add(new EntityMessage(target, message, ReplyForm.EntityEvents, visibleAt));
    }

    private long Due(Google.Protobuf.WellKnownTypes.Timestamp? scheduled) => scheduled is null ? now : Math.Max(now, ProtocolEvents.UnixMs(scheduled));

    private bool Complete(int id, P.CompleteOrchestrationAction a)
    {
        if (a.OrchestrationStatus != P.OrchestrationStatus.ContinuedAsNew)
        {
            EpisodeBuilder.Complete(commit, work, id, a.OrchestrationStatus, a.Result, a.FailureDetails, now);
            return false;
        }

        // Continue-as-new: a fresh execution with the new input, the same name and parent, and the carried events.
        string next = Guid.NewGuid().ToString("N");
        P.ExecutionStartedEvent started = work.Started ?? throw new UnsupportedActionException("Continue-as-new before the execution started.");
        string? version = a.NewVersion ?? started.Version;
        var restart = new NewOrchestration(InstanceId, started.Name, version, a.Result, null, started.Tags, started.ParentInstance, started.ParentTraceContext);
        commit.NextExecutionId = next;
        commit.NextInput = a.Result;
        commit.NextVersion = version;
        commit.Status = P.OrchestrationStatus.Running;
        commit.Output = null;
        commit.Activities.Clear();
        commit.Messages.RemoveAll(m => m.InstanceId == InstanceId && m.ExecutionId == ExecutionId);
        commit.Messages.Add(new OrchestrationMessage(InstanceId, next, ProtocolEvents.ExecutionStarted(InstanceId, next, restart, now), now));
        foreach (P.HistoryEvent carried in a.CarryoverEvents)
        {
            commit.Messages.Add(new OrchestrationMessage(InstanceId, next, carried, now));
        }

        return true;
    }

    private void Rewind(P.RewindOrchestrationAction a)
    {
        string? next = a.NewHistory.Select(e => e.ExecutionStarted?.OrchestrationInstance?.ExecutionId).FirstOrDefault(x => !string.IsNullOrEmpty(x))
            ?? throw new UnsupportedActionException("The rewind's new history has no ExecutionStarted event with an execution id.");
        commit.ReplaceHistory = true;
        commit.History.Clear();
        commit.History.AddRange(a.NewHistory);
        commit.NextExecutionId = next;
        commit.Status = P.OrchestrationStatus.Running;
        commit.Output = null;
        commit.Failure = null;
        commit.Activities.Clear();
        commit.Messages.Clear();

        // The rewound execution runs again from the kept history; the rewind request itself opens that episode.
        P.HistoryEvent rerun = work.NewEvents.Last(e => e.ExecutionRewound is not null).Clone();
        rerun.Timestamp = ProtocolEvents.Time(now);
        commit.Messages.Add(new OrchestrationMessage(InstanceId, next, rerun, now));

        var completedChildren = a.NewHistory.Where(e => e.SubOrchestrationInstanceCompleted is not null).Select(e => e.SubOrchestrationInstanceCompleted.TaskScheduledId).ToHashSet();
        commit.RewindChildren = a.NewHistory
            .Where(e => e.SubOrchestrationInstanceCreated is not null && !completedChildren.Contains(e.EventId))
            .Select(e => e.SubOrchestrationInstanceCreated.InstanceId)
            .ToList();
    }
}
