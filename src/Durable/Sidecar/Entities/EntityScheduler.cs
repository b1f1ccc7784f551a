using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Entities;

/// <summary>
/// One turn of an entity: the lock steps the backend takes itself (grants, forwards along the lock set, releases) and
/// the operations a worker runs next, as one batch, in arrival order.
/// </summary>
internal sealed class EntityTurn
{
    public required EntitySnapshot Snapshot { get; init; }

    /// <summary>The lock steps taken so far; the batch's results are added to it, and it commits as one.</summary>
    public required EntityCommit Commit { get; init; }

    public List<EntityInboxMessage> Operations { get; } = [];
}

/// <summary>
/// Decides what an entity does next, Durable Entities' way: operations one at a time per entity, in arrival order;
/// while an orchestration holds the entity's lock only that orchestration's messages are taken (the others wait); a
/// lock request is granted when the entity is free and travels the sorted lock set entity by entity, the last one
/// telling the orchestration, so two critical sections can't deadlock.
/// </summary>
internal static class EntityScheduler
{
    /// <summary>Plans a turn of at most <paramref name="maxOperations"/> operations and about <paramref name="maxBytes"/> of requests.</summary>
    public static EntityTurn Plan(EntitySnapshot snapshot, int maxOperations, int maxBytes, long now)
    {
        long bytes = snapshot.State?.Length ?? 0;
        var turn = new EntityTurn
        {
            Snapshot = snapshot,
            Commit = new EntityCommit { EntityId = snapshot.EntityId, State = snapshot.State, LockOwner = snapshot.LockOwner, LockId = snapshot.LockId },
        };
        EntityCommit commit = turn.Commit;
        foreach (EntityInboxMessage m in snapshot.Messages)
        {
            string? sender = Sender(m.Event);
            if (commit.LockOwner is not null && sender != commit.LockOwner)
            {
                continue; // waits until the critical section ends
            }

            switch (m.Event.EventTypeCase)
            {
                case P.HistoryEvent.EventTypeOneofCase.EntityOperationSignaled or P.HistoryEvent.EventTypeOneofCase.EntityOperationCalled:
                    int size = m.Event.CalculateSize();
                    if (turn.Operations.Count == maxOperations || (turn.Operations.Count > 0 && bytes + size > maxBytes))
                    {
                        return turn;
                    }

                    bytes += size;
                    turn.Operations.Add(m);
                    break;
                case P.HistoryEvent.EventTypeOneofCase.EntityLockRequested:
                    if (turn.Operations.Count > 0)
                    {
                        return turn; // the operations before it run first
                    }

                    Grant(commit, m, now);
                    break;
                case P.HistoryEvent.EventTypeOneofCase.EntityUnlockSent:
                    if (turn.Operations.Count > 0)
                    {
                        return turn;
                    }

                    commit.Consumed.Add(m.Sequence);
                    commit.LockOwner = null;
                    commit.LockId = null;
                    return turn; // messages skipped while locked come first in the next turn
                default:
                    commit.Consumed.Add(m.Sequence);
                    break;
            }
        }

        return turn;
    }

    /// <summary>Folds a worker's batch result into the turn's commit: results, replies to callers, signals, starts, state.</summary>
    public static void Apply(EntityTurn turn, P.EntityBatchResult result, long now)
    {
        EntityCommit commit = turn.Commit;
        int done = Math.Min(result.Results.Count, turn.Operations.Count);
        for (int i = 0; i < done; i++)
        {
            EntityInboxMessage m = turn.Operations[i];
            commit.Consumed.Add(m.Sequence);
            if (m.Event.EntityOperationCalled is not { } call)
            {
                continue;
            }

            P.OperationResult r = result.Results[i];
            P.HistoryEvent reply = r.Failure is { } failure
                ? EntityReplies.Failed(m.ReplyForm, call.RequestId, failure.FailureDetails ?? ProtocolEvents.Failure("Unknown", "The operation failed."), now)
                : EntityReplies.Completed(m.ReplyForm, call.RequestId, r.Success?.Result, now);
            commit.Replies.Add(new OrchestrationMessage(call.ParentInstanceId, string.IsNullOrEmpty(call.ParentExecutionId) ? null : call.ParentExecutionId, reply, now));
        }

        commit.StateChanged = true;
        commit.State = result.EntityState;
        foreach (P.OperationAction action in result.Actions)
        {
            if (action.SendSignal is { } signal)
            {
                P.HistoryEvent e = ProtocolEvents.New(now);
                e.EntityOperationSignaled = new P.EntityOperationSignaledEvent
                {
                    RequestId = Guid.NewGuid().ToString(), Operation = signal.Name, Input = signal.Input, ScheduledTime = signal.ScheduledTime, TargetInstanceId = signal.InstanceId,
                };
                long visibleAt = signal.ScheduledTime is { } at ? Math.Max(now, ProtocolEvents.UnixMs(at)) : now;
                commit.Messages.Add(new EntityMessage(signal.InstanceId, e, ReplyForm.ExternalEvents, visibleAt));
            }
            else if (action.StartNewOrchestration is { } start)
            {
                commit.Starts.Add(new NewOrchestration(
                    string.IsNullOrEmpty(start.InstanceId) ? Guid.NewGuid().ToString("N") : start.InstanceId, start.Name, start.Version, start.Input,
                    start.ScheduledTime is { } at ? ProtocolEvents.UnixMs(at) : null, start.Tags, Parent: null, TraceContext: start.ParentTraceContext));
            }
        }
    }

    private static void Grant(EntityCommit commit, EntityInboxMessage m, long now)
    {
        P.EntityLockRequestedEvent request = m.Event.EntityLockRequested;
        commit.Consumed.Add(m.Sequence);
        commit.LockOwner = request.ParentInstanceId;
        commit.LockId = request.CriticalSectionId;
        int next = request.Position + 1;
        if (next < request.LockSet.Count)
        {
            P.HistoryEvent forward = m.Event.Clone();
            forward.Timestamp = ProtocolEvents.Time(now);
            forward.EntityLockRequested.Position = next;
            commit.Messages.Add(new EntityMessage(request.LockSet[next], forward, m.ReplyForm, now));
        }
        else
        {
            commit.Replies.Add(new OrchestrationMessage(request.ParentInstanceId, null, EntityReplies.LockGranted(m.ReplyForm, request.CriticalSectionId, now), now));
        }
    }

    private static string? Sender(P.HistoryEvent e) => e.EventTypeCase switch
    {
        P.HistoryEvent.EventTypeOneofCase.EntityOperationCalled => e.EntityOperationCalled.ParentInstanceId,
        P.HistoryEvent.EventTypeOneofCase.EntityLockRequested => e.EntityLockRequested.ParentInstanceId,
        P.HistoryEvent.EventTypeOneofCase.EntityUnlockSent => e.EntityUnlockSent.ParentInstanceId,
        _ => null,
    };
}
