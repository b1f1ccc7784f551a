using BatchEmbed.DurableTask.Sidecar.Entities;
using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Episodes;

/// <summary>
/// Turns a worker's answer to an episode (its actions) into what the store commits: the history events the actions
/// stand for (so a replay matches them by sequence number), the activities, timers, messages and children they
/// start, and the instance's new status. The SDK replays; this only records and routes.
/// </summary>
internal static class EpisodeBuilder
{
    public static EpisodeCommit Build(OrchestrationWork work, IReadOnlyList<P.OrchestratorAction> actions, string? customStatus, int maxPayloadBytes, long now)
    {
        InstanceRecord instance = work.Snapshot.Instance;
        var commit = new EpisodeCommit { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId, HistoryLength = instance.HistoryLength, CustomStatus = customStatus };
        commit.Consumed.AddRange(work.Consumed);
        commit.History.AddRange(work.NewEvents);
        commit.Status = StatusAfter(work, instance.Status);

        if (PayloadLimit.Check(actions, customStatus, maxPayloadBytes) is { } tooLarge)
        {
            return Failed(work, tooLarge, now);
        }

        var episode = new Episode(commit, work, now);
        try
        {
            foreach (P.OrchestratorAction action in actions)
            {
                if (episode.Apply(action))
                {
                    break;
                }
            }
        }
        catch (UnsupportedActionException e)
        {
            return Failed(work, ProtocolEvents.Failure(nameof(UnsupportedActionException), e.Message, nonRetriable: true), now);
        }

        if (!commit.ReplaceHistory && commit.NextExecutionId is null)
        {
            commit.History.Add(ProtocolEvents.OrchestratorCompleted(now));
        }

        return commit;
    }

    /// <summary>An episode that fails the orchestration with <paramref name="failure"/> instead of applying its actions.</summary>
    public static EpisodeCommit Failed(OrchestrationWork work, P.TaskFailureDetails failure, long now)
    {
        InstanceRecord instance = work.Snapshot.Instance;
        var commit = new EpisodeCommit { InstanceId = instance.InstanceId, ExecutionId = instance.ExecutionId, HistoryLength = instance.HistoryLength };
        commit.Consumed.AddRange(work.Consumed);
        commit.History.AddRange(work.NewEvents);
        Complete(commit, work, -1, P.OrchestrationStatus.Failed, null, failure, now);
        commit.History.Add(ProtocolEvents.OrchestratorCompleted(now));
        return commit;
    }

    private static P.OrchestrationStatus StatusAfter(OrchestrationWork work, P.OrchestrationStatus current)
    {
        P.OrchestrationStatus status = current is P.OrchestrationStatus.Suspended ? current : P.OrchestrationStatus.Running;
        foreach (P.HistoryEvent e in work.NewEvents)
        {
            if (e.ExecutionSuspended is not null)
            {
                status = P.OrchestrationStatus.Suspended;
            }
            else if (e.ExecutionResumed is not null)
            {
                status = P.OrchestrationStatus.Running;
            }
        }

        return status;
    }

    /// <summary>Ends the execution: its last history event, its output, and the parent's notification.</summary>
    internal static void Complete(EpisodeCommit commit, OrchestrationWork work, int eventId, P.OrchestrationStatus status, string? result, P.TaskFailureDetails? failure, long now)
    {
        commit.History.Add(ProtocolEvents.ExecutionCompleted(eventId, status, result, failure, now));
        commit.Status = status;
        commit.Output = result;
        commit.Failure = status == P.OrchestrationStatus.Failed ? failure ?? ProtocolEvents.Failure("OrchestrationFailed", "The orchestration failed.") : null;
        if (work.NewEvents.LastOrDefault(e => e.ExecutionTerminated is not null)?.ExecutionTerminated is { Recurse: true } recurse)
        {
            commit.TerminateChildren = true;
            commit.TerminateChildrenReason = recurse.Input;
        }

        if (work.Started?.ParentInstance is not { OrchestrationInstance: { } parent } parentInfo)
        {
            return;
        }

        P.HistoryEvent notice = status switch
        {
            P.OrchestrationStatus.Completed => ProtocolEvents.ChildCompleted(parentInfo.TaskScheduledId, result, now),
            P.OrchestrationStatus.Terminated => ProtocolEvents.ChildFailed(parentInfo.TaskScheduledId,
                ProtocolEvents.Failure("TaskTerminated", $"The sub-orchestration '{commit.InstanceId}' was terminated: {result ?? "no reason given"}", nonRetriable: true), now),
            _ => ProtocolEvents.ChildFailed(parentInfo.TaskScheduledId, commit.Failure!, now),
        };
        commit.Messages.Add(new OrchestrationMessage(parent.InstanceId, string.IsNullOrEmpty(parent.ExecutionId) ? null : parent.ExecutionId, notice, now));
    }
}
