using BatchEmbed.DurableTask.Sidecar.Episodes;
using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

internal sealed partial class WorkItemDispatcher
{
    private readonly LinkedList<QueuedActivity> _readyActivities = new();
    private readonly Dictionary<string, InFlightActivity> _activities = new(StringComparer.Ordinal);

    // The queue is read from the file by sequence number: everything up to the cursor is in memory (ready or held) or
    // done. While in backlog mode new rows are left in the file and read in pages, so memory stays bounded.
    private long _activityCursor;
    private bool _activityBacklog;
    private bool _activityBacklogGrew;
    private bool _activityLoading;

    private void ActivityQueued(QueuedActivity activity)
    {
        if (_activityBacklog)
        {
            _activityBacklogGrew = true;
        }
        else if (activity.Sequence > _activityCursor)
        {
            _readyActivities.AddLast(activity);
            _activityCursor = activity.Sequence;
            if (_readyActivities.Count > MaxReadyActivities)
            {
                _activityBacklog = true;
            }
        }
    }

    private bool NeedActivities() => _activityBacklog && !_activityLoading && _readyActivities.Count < MaxReadyActivities / 5;

    private void LoadActivities()
    {
        long after;
        lock (_gate)
        {
            _activityLoading = true;
            _activityBacklogGrew = false;
            after = _activityCursor;
        }

        try
        {
            List<QueuedActivity> page = _store.LoadActivities(after, ActivityPage);
            lock (_gate)
            {
                foreach (QueuedActivity a in page)
                {
                    if (a.Sequence > _activityCursor)
                    {
                        _readyActivities.AddLast(a);
                        _activityCursor = a.Sequence;
                    }
                }

                if (page.Count < ActivityPage && !_activityBacklogGrew)
                {
                    _activityBacklog = false;
                }
            }
        }
#pragma warning disable CA1031 // the loop retries on its next turn
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed("activity queue", after.ToString(System.Globalization.CultureInfo.InvariantCulture), e);
        }
        finally
        {
            lock (_gate)
            {
                _activityLoading = false;
            }
        }
    }

    /// <summary>Hands ready activities to streams with room, in queue order. Called under the lock.</summary>
    private void DispatchActivities()
    {
        LinkedListNode<QueuedActivity>? node = _readyActivities.First;
        int skipped = 0;
        while (node is not null && skipped < 1000)
        {
            QueuedActivity item = node.Value;
            WorkerStream? stream = WorkerStream.Roomiest(_streams, s => s.TakesActivity(item.Request.Name, item.Request.Version), s => s.Activities, s => s.MaxActivities);
            if (stream is null)
            {
                if (_streams.All(s => s.Activities >= s.MaxActivities))
                {
                    return; // every worker is full
                }

                node = node.Next; // no worker takes this name; later ones may be taken
                skipped++;
                continue;
            }

            LinkedListNode<QueuedActivity>? next = node.Next;
            _readyActivities.Remove(node);
            node = next;
            string token = NewToken('a', item.Sequence);
            stream.Activities++;
            _activities[token] = new InFlightActivity(token, stream, item);
            stream.Outbox.Writer.TryWrite(new P.WorkItem { ActivityRequest = item.Request, CompletionToken = token });
        }
    }

    /// <summary>
    /// Delivers an activity's result. The token names the queue row, so a result is accepted even from a worker that
    /// got the task before this backend restarted, as long as the task is still outstanding; a result for a task
    /// already completed (or whose instance moved on) is refused and changes nothing.
    /// </summary>
    public async Task CompleteActivityAsync(P.ActivityResponse response)
    {
        InFlightActivity? held;
        lock (_gate)
        {
            _activities.Remove(response.CompletionToken, out held);
        }

        try
        {
            if (!TryParseSequence(response.CompletionToken, 'a', out long sequence))
            {
                throw new CompletionRefusedException($"'{response.CompletionToken}' is not an activity completion token.");
            }

            string? tooLarge = response.FailureDetails is null ? PayloadLimit.Problem($"result of activity task #{response.TaskId}", response.Result, _options.MaxPayloadBytes) : null;
            bool accepted = await _store.CompleteActivityAsync(sequence, response.InstanceId, response.TaskId, now => response.FailureDetails is { } failure
                ? ProtocolEvents.TaskFailed(response.TaskId, failure, now)
                : tooLarge is not null
                    ? ProtocolEvents.TaskFailed(response.TaskId, PayloadLimit.Failure(tooLarge), now)
                    : ProtocolEvents.TaskCompleted(response.TaskId, response.Result, now));
            if (!accepted)
            {
                throw new CompletionRefusedException(
                    $"Activity task #{response.TaskId} of instance '{response.InstanceId}' is not outstanding: it was completed already, or its instance finished or moved on.");
            }
        }
        finally
        {
            if (held is not null)
            {
                lock (_gate)
                {
                    held.Stream.Activities--;
                }

                _wake.Set();
            }
        }
    }

    public void AbandonActivity(string token)
    {
        lock (_gate)
        {
            if (_activities.Remove(token, out InFlightActivity? held))
            {
                held.Stream.Activities--;
                After(_options.AbandonRetryDelay, new TimerEntry(TimerKind.Activity, token, held.Item));
            }
        }

        _wake.Set();
    }

    private int ReleaseActivities(WorkerStream stream)
    {
        var released = _activities.Values.Where(a => a.Stream == stream).OrderByDescending(a => a.Item.Sequence).ToList();
        foreach (InFlightActivity a in released)
        {
            _activities.Remove(a.Token);
            _readyActivities.AddFirst(a.Item);
        }

        return released.Count;
    }

    private static bool TryParseSequence(string token, char kind, out long sequence)
    {
        sequence = 0;
        string[] parts = token.Split('.');
        return parts.Length == 4 && parts[0].Length == 1 && parts[0][0] == kind
            && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
    }
}
