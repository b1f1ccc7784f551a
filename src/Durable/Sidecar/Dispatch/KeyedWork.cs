namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>
/// The ready queue and the held table of one kind of keyed work. Not thread-safe: the dispatcher calls it under its
/// lock. <paramref name="held"/> reads and <paramref name="adjust"/> changes a stream's count of this kind,
/// <paramref name="max"/> is the most a stream takes.
/// </summary>
internal sealed class KeyedWork<T>(Func<WorkerStream, int> held, Func<WorkerStream, int> max, Action<WorkerStream, int> adjust)
    where T : class
{
    private readonly ReadyQueue _ready = new();
    private readonly Dictionary<string, HeldWork<T>> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HeldWork<T>> _byToken = new(StringComparer.Ordinal);

    public int ReadyCount => _ready.Count;

    /// <summary>The stream among <paramref name="streams"/> with the most room that <paramref name="takes"/> the key, or null.</summary>
    public WorkerStream? Pick(IEnumerable<WorkerStream> streams, Func<WorkerStream, bool> takes) => WorkerStream.Roomiest(streams, takes, held, max);

    public bool AllFull(IEnumerable<WorkerStream> streams) => streams.All(s => held(s) >= max(s));

    /// <summary>The key has visible work: queue it, or (if held) run it again once its worker is done.</summary>
    public void Ready(string id)
    {
        if (_byId.TryGetValue(id, out HeldWork<T>? busy))
        {
            busy.Dirty = true;
        }
        else
        {
            _ready.Add(id);
        }
    }

    public bool TryTakeReady(out string id) => _ready.TryTake(out id);

    public void Defer(string id) => _ready.Defer(id);

    public bool IsHeld(string id) => _byId.ContainsKey(id);

    public HeldWork<T> Hold(string id, string token, WorkerStream stream)
    {
        var work = new HeldWork<T>(id, token, stream);
        adjust(stream, +1);
        _byId[id] = work;
        _byToken[token] = work;
        return work;
    }

    public bool TryGetByToken(string token, out HeldWork<T> work)
    {
        bool found = _byToken.TryGetValue(token, out HeldWork<T>? w);
        work = w!;
        return found;
    }

    public HeldWork<T>? ById(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// Lets go of held work (once). It is queued again now when <paramref name="again"/> or when messages came meanwhile,
    /// unless it is <paramref name="delayed"/> (the caller queues it later).
    /// </summary>
    public void Finish(HeldWork<T> work, bool again, bool delayed = false)
    {
        if (_byToken.Remove(work.Token))
        {
            _byId.Remove(work.Id);
            adjust(work.Stream, -1);
        }

        if (!delayed && (again || work.Dirty))
        {
            _ready.Add(work.Id);
        }
    }

    /// <summary>A stream died: what it held (and has not started to commit) is ready again; what it was loading is orphaned.</summary>
    public int Release(WorkerStream stream)
    {
        int released = 0;
        foreach (HeldWork<T> work in _byId.Values.Where(w => w.Stream == stream && !w.Committing).ToList())
        {
            if (work.Sent is null)
            {
                work.Orphaned = true;
                continue;
            }

            _byToken.Remove(work.Token);
            _byId.Remove(work.Id);
            _ready.Add(work.Id);
            released++;
        }

        return released;
    }
}
