using BatchEmbed.DurableTask.Sidecar.Episodes;
using BatchEmbed.DurableTask.Sidecar.Store;
using Google.Protobuf.WellKnownTypes;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

internal sealed partial class WorkItemDispatcher
{
    private readonly KeyedWork<SentEpisode> _orchestrations = new(s => s.Orchestrations, s => s.MaxOrchestrations, (s, d) => s.Orchestrations += d);

    private void OrchestrationReady(string instanceId) => _orchestrations.Ready(instanceId);

    /// <summary>Reserves a worker for each ready orchestration and loads its episode. Called under the lock.</summary>
    private void DispatchOrchestrations() =>
        DispatchKeyed(_orchestrations, 'o', (_, _) => true, SendOrchestrationAsync);

    private async Task SendOrchestrationAsync(HeldWork<SentEpisode> held)
    {
        try
        {
            long now = SidecarStore.Now();
            OrchestrationSnapshot? snapshot = _store.LoadOrchestration(held.Id, now, _options.MaxEventsPerEpisode);
            if (snapshot is null)
            {
                Finish(_orchestrations, held, again: false, TimerKind.Orchestration);
                return;
            }

            var work = OrchestrationWork.Prepare(snapshot, now, MaxNewEventBytes);
            switch (work.Disposition)
            {
                case WorkDisposition.Drop:
                    await _store.DropMessagesAsync(work.Consumed);
                    Finish(_orchestrations, held, again: snapshot.More, TimerKind.Orchestration);
                    return;
                case WorkDisposition.TerminateUnstarted:
                    await _store.TerminateUnstartedAsync(held.Id, snapshot.Instance.ExecutionId, work.TerminateOutput);
                    Finish(_orchestrations, held, again: false, TimerKind.Orchestration);
                    return;
                case WorkDisposition.Wait:
                    Finish(_orchestrations, held, again: false, TimerKind.Orchestration);
                    return;
            }

            if (!held.Stream.TakesOrchestration(work.Started!.Name, work.Started.Version))
            {
                // its worker doesn't run this name (work-item filters); another one may connect
                Finish(_orchestrations, held, again: false, TimerKind.Orchestration, TimeSpan.FromSeconds(1));
                return;
            }

            SendOrReturn(_orchestrations, held, new SentEpisode(work), WorkItem(work, held.Stream, held.Token), TimerKind.Orchestration);
        }
#pragma warning disable CA1031 // a failed load is retried after a pause
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed("orchestration", held.Id, e);
            Finish(_orchestrations, held, again: false, TimerKind.Orchestration, _options.AbandonRetryDelay);
        }
    }

    private P.WorkItem WorkItem(OrchestrationWork work, WorkerStream stream, string token)
    {
        InstanceRecord instance = work.Snapshot.Instance;
        var request = new P.OrchestratorRequest
        {
            InstanceId = instance.InstanceId,
            ExecutionId = instance.ExecutionId,
            EntityParameters = new P.OrchestratorEntityParameters { EntityMessageReorderWindow = Duration.FromTimeSpan(_options.EntityMessageReorderWindow) },
        };
        request.NewEvents.AddRange(work.NewEvents);
        if (stream.HistoryStreaming && HistoryBytes(work.Snapshot.History) > _options.HistoryStreamingThresholdBytes)
        {
            request.RequiresHistoryStreaming = true; // the worker reads it with StreamInstanceHistory, in chunks
        }
        else
        {
            request.PastEvents.AddRange(work.Snapshot.History);
        }

        return new P.WorkItem { OrchestratorRequest = request, CompletionToken = token };
    }

    private static long HistoryBytes(List<P.HistoryEvent> history)
    {
        long size = 0;
        foreach (P.HistoryEvent e in history)
        {
            size += e.CalculateSize() + 3;
        }

        return size;
    }

    /// <summary>The history an outstanding work item was built from, for a worker that streams it.</summary>
    public List<P.HistoryEvent>? HeldHistory(string instanceId)
    {
        lock (_gate)
        {
            return _orchestrations.ById(instanceId)?.Sent?.Work.Snapshot.History;
        }
    }

    /// <summary>
    /// Commits a worker's answer to an episode (or gathers it, when it comes in chunks). Refused unless the token is an
    /// outstanding work item of this backend: a completion for an item handed out again (its worker's stream died, or
    /// the backend restarted) is never applied, because the new holder's answer will be.
    /// </summary>
    public async Task CompleteOrchestrationAsync(P.OrchestratorResponse response)
    {
        HeldWork<SentEpisode> held;
        SentEpisode sent;
        List<P.OrchestratorAction> actions;
        lock (_gate)
        {
            if (!_orchestrations.TryGetByToken(response.CompletionToken, out held) || held.Sent is null || held.Committing)
            {
                throw new CompletionRefusedException($"Orchestration work item '{response.CompletionToken}' is not outstanding (it was handed out again, or the backend restarted); it is not applied.");
            }

            sent = held.Sent;
            if (!response.RequiresHistory && !sent.Gather(response))
            {
                return; // more chunks to come
            }

            held.Committing = true;
            actions = sent.Actions(response);
        }

        if (response.RequiresHistory)
        {
            // The worker kept no state for it and asks for the history: hand it out again (with its history, as always).
            Finish(_orchestrations, held, again: true, TimerKind.Orchestration);
            return;
        }

        bool accepted = false;
        try
        {
            EpisodeCommit commit = EpisodeBuilder.Build(sent.Work, actions, response.CustomStatus, _options.MaxPayloadBytes, SidecarStore.Now());
            accepted = await _store.CommitEpisodeAsync(commit);
        }
        finally
        {
            Finish(_orchestrations, held, again: sent.Work.More || !accepted, TimerKind.Orchestration);
        }

        if (!accepted)
        {
            throw new CompletionRefusedException($"Instance '{held.Id}' changed while its episode ran (it was restarted, rewound or purged); the episode is not applied.");
        }
    }

    public void AbandonOrchestration(string token) => Abandon(_orchestrations, token, TimerKind.Orchestration);
}

/// <summary>An episode sent to a worker, and the chunks of its answer gathered so far.</summary>
internal sealed class SentEpisode(OrchestrationWork work)
{
    private readonly List<P.OrchestratorAction> _chunks = [];
    private int _nextChunk;

    public OrchestrationWork Work { get; } = work;

    /// <summary>Takes one completion message; true when the answer is whole (the last chunk, or not chunked).</summary>
    public bool Gather(P.OrchestratorResponse response)
    {
#pragma warning disable CS0612 // chunked completions are deprecated in the protocol but still sent by the .NET worker for large answers
        if (!response.IsPartial && response.ChunkIndex is null or 0 && _chunks.Count == 0)
        {
            return true;
        }

        if (response.ChunkIndex is { } index && index < _nextChunk)
        {
            return false; // a retried chunk we already have
        }

        _nextChunk++;
        _chunks.AddRange(response.Actions);
        return !response.IsPartial;
#pragma warning restore CS0612
    }

    public List<P.OrchestratorAction> Actions(P.OrchestratorResponse last) => _chunks.Count > 0 ? _chunks : [.. last.Actions];
}
