namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>Ids with work to do, first come first served, each at most once.</summary>
internal sealed class ReadyQueue
{
    private readonly Queue<string> _order = new();
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);

    public int Count => _order.Count;

    public void Add(string id)
    {
        if (_members.Add(id))
        {
            _order.Enqueue(id);
        }
    }

    public bool TryTake(out string id)
    {
        if (_order.TryDequeue(out string? next))
        {
            _members.Remove(next);
            id = next;
            return true;
        }

        id = string.Empty;
        return false;
    }

    /// <summary>Puts an id back at the end (its worker can't take it now).</summary>
    public void Defer(string id) => Add(id);

    public void Clear()
    {
        _order.Clear();
        _members.Clear();
    }
}
