using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>
/// The histories of recently run orchestrations, so an episode does not re-read (and re-parse) the whole history of a
/// live instance from the file. Coherent because this process is the only writer of the file: every history write
/// updates or evicts the entry. Bounded by the total number of events held; the least recently used go first.
/// </summary>
internal sealed class HistoryCache(int capacityEvents)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new();
    private long _events;

    public bool TryGet(string instanceId, string executionId, int length, out List<P.HistoryEvent> history)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node) && node.Value.ExecutionId == executionId && node.Value.Events.Count == length)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                history = node.Value.Events;
                return true;
            }
        }

        history = [];
        return false;
    }

    /// <summary>Records a history as read from the file (replacing any entry for the instance).</summary>
    public void Put(string instanceId, string executionId, List<P.HistoryEvent> history)
    {
        if (capacityEvents == 0 || history.Count > capacityEvents / 2)
        {
            Evict(instanceId);
            return;
        }

        lock (_gate)
        {
            RemoveLocked(instanceId);
            var node = new LinkedListNode<Entry>(new Entry(instanceId, executionId, history));
            _entries[instanceId] = node;
            _lru.AddFirst(node);
            _events += history.Count;
            Trim();
        }
    }

    /// <summary>
    /// After a commit appended <paramref name="appended"/> to a history of <paramref name="previousLength"/> events: the
    /// entry grows with it, or goes if it no longer matches. A new list is built, so readers of the old one are unaffected.
    /// </summary>
    public void Appended(string instanceId, string executionId, int previousLength, IReadOnlyList<P.HistoryEvent> appended)
    {
        List<P.HistoryEvent>? grown = null;
        lock (_gate)
        {
            if (_entries.TryGetValue(instanceId, out LinkedListNode<Entry>? node) && node.Value.ExecutionId == executionId && node.Value.Events.Count == previousLength)
            {
                grown = new List<P.HistoryEvent>(previousLength + appended.Count);
                grown.AddRange(node.Value.Events);
                grown.AddRange(appended);
            }
        }

        if (grown is null)
        {
            Evict(instanceId);
        }
        else
        {
            Put(instanceId, executionId, grown);
        }
    }

    public void Evict(string instanceId)
    {
        lock (_gate)
        {
            RemoveLocked(instanceId);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _lru.Clear();
            _events = 0;
        }
    }

    private void RemoveLocked(string instanceId)
    {
        if (_entries.Remove(instanceId, out LinkedListNode<Entry>? node))
        {
            _lru.Remove(node);
            _events -= node.Value.Events.Count;
        }
    }

    private void Trim()
    {
        while (_events > capacityEvents && _lru.Last is { } last)
        {
            RemoveLocked(last.Value.InstanceId);
        }
    }

    private sealed record Entry(string InstanceId, string ExecutionId, List<P.HistoryEvent> Events);
}
