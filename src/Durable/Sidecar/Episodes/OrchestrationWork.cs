using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Episodes;

/// <summary>What to do with an orchestration whose inbox has visible messages.</summary>
internal enum WorkDisposition
{
    /// <summary>Hand it to a worker as an episode.</summary>
    Run,

    /// <summary>Nothing to run: its messages are stale or its instance finished; drop them.</summary>
    Drop,

    /// <summary>It never started (its start is later) and was asked to terminate: terminate it without a worker.</summary>
    TerminateUnstarted,

    /// <summary>Its messages can't run yet (its start is not visible yet).</summary>
    Wait,
}

/// <summary>One orchestration episode: the snapshot it runs against and the new events it hands the worker.</summary>
internal sealed class OrchestrationWork
{
    private OrchestrationWork(OrchestrationSnapshot snapshot, WorkDisposition disposition)
    {
        Snapshot = snapshot;
        Disposition = disposition;
    }

    public OrchestrationSnapshot Snapshot { get; }

    public WorkDisposition Disposition { get; }

    /// <summary>OrchestratorStarted (the episode's time), then the messages: the execution's start first.</summary>
    public List<P.HistoryEvent> NewEvents { get; } = [];

    /// <summary>Inbox rows this episode takes (stale ones included).</summary>
    public List<long> Consumed { get; } = [];

    public P.ExecutionStartedEvent? Started { get; private set; }

    /// <summary>The terminate request's output, for <see cref="WorkDisposition.TerminateUnstarted"/>.</summary>
    public string? TerminateOutput { get; private set; }

    public string InstanceId => Snapshot.Instance.InstanceId;

    /// <summary>More messages wait than this episode takes: run it again after it.</summary>
    public bool More { get; private set; }

    /// <summary>
    /// Decides what to do with an instance's visible messages. An episode takes messages up to
    /// <paramref name="maxNewEventBytes"/> (at least one), so a work item stays under the SDKs' 4 MB message limit.
    /// </summary>
    public static OrchestrationWork Prepare(OrchestrationSnapshot snapshot, long now, int maxNewEventBytes)
    {
        InstanceRecord instance = snapshot.Instance;
        List<InboxMessage> messages = snapshot.Messages;
        if (instance.IsTerminal)
        {
            InboxMessage? rewind = instance.Status == P.OrchestrationStatus.Failed
                ? messages.LastOrDefault(m => m.Event.EventTypeCase == P.HistoryEvent.EventTypeOneofCase.ExecutionRewound)
                : null;
            var finished = new OrchestrationWork(snapshot, rewind is null ? WorkDisposition.Drop : WorkDisposition.Run);
            finished.Consumed.AddRange(snapshot.Stale);
            finished.Consumed.AddRange(messages.Select(m => m.Sequence));
            if (rewind is not null)
            {
                finished.Started = StartOf(snapshot.History);
                finished.NewEvents.Add(ProtocolEvents.OrchestratorStarted(now));
                finished.NewEvents.Add(rewind.Event);
            }

            return finished;
        }

        P.ExecutionStartedEvent? started = StartOf(snapshot.History)
            ?? messages.Select(m => m.Event.ExecutionStarted).FirstOrDefault(e => e is not null);
        if (started is null)
        {
            P.HistoryEvent? terminate = messages.Select(m => m.Event).FirstOrDefault(e => e.ExecutionTerminated is not null);
            var waiting = new OrchestrationWork(snapshot, terminate is null ? (snapshot.Stale.Count > 0 ? WorkDisposition.Drop : WorkDisposition.Wait) : WorkDisposition.TerminateUnstarted)
            {
                TerminateOutput = terminate?.ExecutionTerminated.Input,
            };
            waiting.Consumed.AddRange(snapshot.Stale);
            return waiting;
        }

        var work = new OrchestrationWork(snapshot, WorkDisposition.Run) { Started = started, More = snapshot.More };
        work.Consumed.AddRange(snapshot.Stale);
        work.NewEvents.Add(ProtocolEvents.OrchestratorStarted(now));
        long bytes = 0;
        foreach (InboxMessage m in messages.OrderBy(m => m.Event.ExecutionStarted is null ? 1 : 0))
        {
            int size = m.Event.CalculateSize();
            if (work.NewEvents.Count > 1 && bytes + size > maxNewEventBytes)
            {
                work.More = true;
                break;
            }

            bytes += size;
            work.Consumed.Add(m.Sequence);
            work.NewEvents.Add(m.Event);
        }

        return work;
    }

    private static P.ExecutionStartedEvent? StartOf(List<P.HistoryEvent> history)
    {
        foreach (P.HistoryEvent e in history)
        {
            if (e.ExecutionStarted is not null)
            {
                return e.ExecutionStarted;
            }
        }

        return null;
    }
}
