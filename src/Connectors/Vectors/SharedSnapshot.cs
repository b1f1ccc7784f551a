namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// A mapped snapshot shared by the searches using it: the index's cache holds one reference and each search another,
/// so a snapshot replaced by a compaction (here or in another process) is unmapped only when the last search is done.
/// </summary>
internal sealed class SharedSnapshot(SnapshotReader reader)
{
    private int _references = 1;

    public SnapshotReader Reader => reader;

    /// <summary>Takes a reference; only while the caller knows another is held (the cache's).</summary>
    public void Acquire() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            reader.Dispose();
        }
    }
}

/// <summary>What one search or count reads: the snapshot (held until disposed) and the merged deltas.</summary>
internal sealed class IndexView(SharedSnapshot? snapshot, Dictionary<string, float[]?> overlay) : IDisposable
{
    public SnapshotReader? Snapshot => snapshot?.Reader;

    public Dictionary<string, float[]?> Overlay => overlay;

    public void Dispose() => snapshot?.Release();
}
