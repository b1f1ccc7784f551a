namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

internal sealed partial class WorkItemDispatcher
{
    /// <summary>
    /// Holds each ready key of a kind on the stream with the most room that takes it and starts <paramref name="send"/>
    /// (which loads and sends it). Keys no stream takes now wait. Called under the lock.
    /// </summary>
    private void DispatchKeyed<T>(KeyedWork<T> table, char kind, Func<WorkerStream, string, bool> takes, Func<HeldWork<T>, Task> send)
        where T : class
    {
        int count = table.ReadyCount;
        while (count-- > 0 && table.TryTakeReady(out string id))
        {
            if (table.IsHeld(id))
            {
                table.Ready(id);
                continue;
            }

            WorkerStream? stream = table.Pick(_streams, s => takes(s, id));
            if (stream is null)
            {
                table.Defer(id);
                if (table.AllFull(_streams))
                {
                    return; // every worker is full
                }

                continue;
            }

            HeldWork<T> work = table.Hold(id, NewToken(kind), stream);
            _ = Task.Run(() => send(work));
        }
    }

    /// <summary>Lets go of held work: it runs again now (<paramref name="again"/>, or new messages came), after a pause, or when a message comes.</summary>
    private void Finish<T>(KeyedWork<T> table, HeldWork<T> work, bool again, TimerKind kind, TimeSpan? retryAfter = null)
        where T : class
    {
        lock (_gate)
        {
            table.Finish(work, again, delayed: retryAfter is not null);
            if (retryAfter is { } delay)
            {
                After(delay, new TimerEntry(kind, work.Id, null));
            }
        }

        _wake.Set();
    }

    /// <summary>A worker gave work back (it could not run it): it is handed out again after a pause.</summary>
    private void Abandon<T>(KeyedWork<T> table, string token, TimerKind kind)
        where T : class
    {
        HeldWork<T>? work;
        lock (_gate)
        {
            if (!table.TryGetByToken(token, out work) || work.Committing)
            {
                return;
            }
        }

        Finish(table, work, again: false, kind, _options.AbandonRetryDelay);
    }

    /// <summary>Sends loaded work unless its stream died meanwhile (then it is ready again at once).</summary>
    private void SendOrReturn<T>(KeyedWork<T> table, HeldWork<T> work, T sent, Microsoft.DurableTask.Protobuf.WorkItem item, TimerKind kind)
        where T : class
    {
        lock (_gate)
        {
            if (!work.Orphaned)
            {
                work.Sent = sent;
                work.Stream.Outbox.Writer.TryWrite(item);
                return;
            }
        }

        Finish(table, work, again: true, kind);
    }
}
