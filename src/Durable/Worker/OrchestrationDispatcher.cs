using System.Text;
using BatchEmbed.DurableTask.Core;
using BatchEmbed.DurableTask.History;
using BatchEmbed.DurableTask.Sqlite;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// Runs one orchestration episode: take the locked instance's new events, replay (or continue a cached executor),
/// and commit history, outbound work and status in one transaction.
/// </summary>
internal sealed class OrchestrationDispatcher(
    SqliteStore store,
    DurableTaskRegistry registry,
    DurableTaskWorkerOptions options,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    string workerId)
{
    private readonly SessionCache _sessions = new(options.ExtendedSessionsEnabled ? options.ExtendedSessionCacheSize : 0);
    private readonly ILogger _log = loggerFactory.CreateLogger("BatchEmbed.DurableTask.Orchestrations");

    public async Task RunEpisodeAsync(OrchestrationWorkItem w, CancellationToken cancellationToken)
    {
        var commit = new EpisodeCommit { WorkItem = w, NewStatus = w.Status };
        DateTime now = DateTime.UtcNow;
        var live = new List<HistoryEvent>();
        bool suspended = w.Status == OrchestrationRuntimeStatus.Suspended;
        bool terminal = w.Status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
        HistoryEvent? terminate = null;

        foreach ((long seq, HistoryEvent e) in w.NewEvents)
        {
            bool stale = e.ExecutionId is not null && e.ExecutionId != w.ExecutionId;
            if (terminal || stale)
            {
                commit.ConsumedEvents.Add(seq); // late or stale message: dropped, as Durable Task Core does
                continue;
            }

            switch (e.EventType)
            {
                case EventType.ExecutionTerminated:
                    terminate ??= e;
                    commit.ConsumedEvents.Add(seq);
                    continue;
                case EventType.ExecutionSuspended:
                    commit.ConsumedEvents.Add(seq);
                    live.Add(e);
                    suspended = true;
                    continue;
                case EventType.ExecutionResumed:
                    commit.ConsumedEvents.Add(seq);
                    live.Add(e);
                    suspended = false;
                    continue;
            }

            if (suspended)
            {
                continue; // held in the queue until resumed
            }

            commit.ConsumedEvents.Add(seq);
            live.Add(e);
        }

        if (terminal)
        {
            commit.NewStatus = w.Status;
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        if (terminate is not null)
        {
            _sessions.Remove(w.InstanceId);
            commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorStarted, -1, now));
            commit.NewHistory.Add(terminate);
            commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorCompleted, -1, now));
            commit.NewStatus = OrchestrationRuntimeStatus.Terminated;
            commit.Output = terminate.Input;
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        List<HistoryEvent> messages = live.Where(e => e.EventType is not (EventType.ExecutionSuspended or EventType.ExecutionResumed)).ToList();
        if (w.Status == OrchestrationRuntimeStatus.Pending && !messages.Any(e => e.EventType == EventType.ExecutionStarted))
        {
            // Events raised before the instance started wait in the queue for its ExecutionStarted.
            commit.ConsumedEvents.Clear();
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        commit.NewStatus = suspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running;
        if (!registry.Orchestrators.TryGetValue(w.Name, out Func<IServiceProvider, ITaskOrchestrator>? factory))
        {
            Fail(commit, now, live, new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No orchestrator named '{w.Name}' is registered with this worker."));
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        if (messages.Count == 0 && live.Count > 0)
        {
            // Only suspend/resume: record them, nothing to run.
            commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorStarted, -1, now));
            commit.NewHistory.AddRange(live);
            commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorCompleted, -1, now));
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        OrchestrationExecutor executor;
        EpisodeResult result;
        try
        {
            if (_sessions.TryTake(w.InstanceId, w.ExecutionId, w.HistoryCount, out OrchestrationExecutor? cached))
            {
                executor = cached;
                result = executor.Continue(live, now);
            }
            else
            {
                executor = new OrchestrationExecutor(factory(services), w.Name, w.InstanceId, loggerFactory, options.MaximumTimerInterval);
                List<HistoryEvent> past = store.ReadHistory(w.InstanceId, w.ExecutionId);
                result = executor.Execute(past, live, now);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(commit, now, live, TaskFailureDetails.FromException(ex));
            await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
            return;
        }

        commit.NewHistory.AddRange(result.NewHistory);
        string? payloadProblem = Map(result, commit, w);
        if (payloadProblem is not null)
        {
            commit.Activities.Clear();
            commit.Timers.Clear();
            commit.SubOrchestrations.Clear();
            commit.Messages.Clear();
            commit.NewStatus = OrchestrationRuntimeStatus.Failed;
            commit.Failure = new TaskFailureDetails(typeof(PayloadTooLargeException).FullName!, payloadProblem);
            commit.Output = null;
            commit.ContinueAsNew = false;
            commit.NewHistory.RemoveAll(e => e.EventType == EventType.ExecutionCompleted);
            commit.NewHistory.Insert(commit.NewHistory.Count - 1, Completed(now, commit));
        }

        bool committed = await store.CompleteEpisodeAsync(commit, workerId, cancellationToken);
        if (committed && !executor.IsFinished && payloadProblem is null)
        {
            _sessions.Put(w.InstanceId, w.ExecutionId, w.HistoryCount + commit.NewHistory.Count, executor);
        }
        else
        {
            _sessions.Remove(w.InstanceId);
        }

        if (commit.NewStatus == OrchestrationRuntimeStatus.Failed)
        {
            Log.OrchestrationFailed(_log, w.InstanceId, w.Name, commit.Failure?.ErrorMessage ?? string.Empty);
        }
    }

    private string? Map(EpisodeResult result, EpisodeCommit commit, OrchestrationWorkItem w)
    {
        int max = options.MaximumPayloadBytes;
        foreach (OrchestratorAction a in result.Actions)
        {
            if (Size(a.Input) > max)
            {
                return new PayloadTooLargeException($"input of '{a.Name}' (#{a.Id})", Size(a.Input), max).Message;
            }

            switch (a.Kind)
            {
                case ActionKind.ScheduleTask:
                    commit.Activities.Add((a.Id, a.Name, a.Input));
                    break;
                case ActionKind.CreateTimer:
                    commit.Timers.Add((a.Id, a.FireAt!.Value));
                    break;
                case ActionKind.CreateSubOrchestration:
                    commit.SubOrchestrations.Add(new NewInstance(a.Name, a.InstanceId!, a.Input, null, w.InstanceId, w.ExecutionId, w.Name, a.Id));
                    break;
                case ActionKind.SendEvent:
                    var raised = new HistoryEvent(EventType.EventRaised, -1, DateTime.UtcNow) { Name = a.Name, Input = a.Input };
                    commit.Messages.Add(new OutboundMessage(a.InstanceId!, raised, a.VisibleAt));
                    break;
            }
        }

        if (result.CustomStatusChanged)
        {
            commit.CustomStatusChanged = true;
            commit.CustomStatus = result.CustomStatus;
        }

        switch (result.Completion)
        {
            case CompletionKind.Completed:
                commit.NewStatus = OrchestrationRuntimeStatus.Completed;
                commit.Output = result.Output;
                commit.NewHistory.Insert(commit.NewHistory.Count - 1, Completed(DateTime.UtcNow, commit));
                return Size(result.Output) > max ? new PayloadTooLargeException("orchestration output", Size(result.Output), max).Message : null;
            case CompletionKind.Failed:
                commit.NewStatus = OrchestrationRuntimeStatus.Failed;
                commit.Failure = result.Failure;
                commit.Activities.Clear();
                commit.Timers.Clear();
                commit.SubOrchestrations.Clear();
                commit.NewHistory.Insert(Math.Max(0, commit.NewHistory.Count - 1), Completed(DateTime.UtcNow, commit));
                return null;
            case CompletionKind.ContinuedAsNew:
                commit.ContinueAsNew = true;
                commit.ContinueAsNewInput = result.ContinueAsNewInput;
                commit.CarriedEvents.AddRange(result.CarriedEvents);
                commit.NewStatus = OrchestrationRuntimeStatus.Running;
                commit.Activities.Clear();
                commit.Timers.Clear();
                commit.SubOrchestrations.Clear();
                return Size(result.ContinueAsNewInput) > max ? new PayloadTooLargeException("ContinueAsNew input", Size(result.ContinueAsNewInput), max).Message : null;
            default:
                return null;
        }
    }

    private static HistoryEvent Completed(DateTime now, EpisodeCommit commit) => new(EventType.ExecutionCompleted, -1, now)
    {
        OrchestrationStatus = commit.NewStatus,
        Result = commit.Output,
        FailureDetails = commit.Failure,
    };

    private static void Fail(EpisodeCommit commit, DateTime now, List<HistoryEvent> live, TaskFailureDetails failure)
    {
        commit.NewStatus = OrchestrationRuntimeStatus.Failed;
        commit.Failure = failure;
        commit.NewHistory.Clear();
        commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorStarted, -1, now));
        commit.NewHistory.AddRange(live);
        commit.NewHistory.Add(Completed(now, commit));
        commit.NewHistory.Add(new HistoryEvent(EventType.OrchestratorCompleted, -1, now));
    }

    private static int Size(string? payload) => payload is null ? 0 : Encoding.UTF8.GetByteCount(payload);
}
