namespace BatchEmbed.Connectors.Vectors;

/// <summary>Per index: the write gate of this process, and the cached snapshot and delta overlay searches read.</summary>
internal sealed class IndexState(string name) : IDisposable
{
    private SharedSnapshot? _snapshot;
    private string? _snapshotName;
    private int _version;
    private IReadOnlyList<string> _deltas = [];
    private Dictionary<string, float[]?>? _overlay;
    private string? _overlayKey;

    public string Name { get; } = name;

    public SemaphoreSlim Writer { get; } = new(1, 1);

    /// <summary>
    /// The snapshot and deltas <paramref name="m"/> names, fetched to the local directory if needed and cached until
    /// the manifest changes. Throws <see cref="FileNotFoundException"/> if a file was compacted away meanwhile.
    /// </summary>
    public async Task<IndexView> ViewAsync(IIndexFiles files, IndexManifest m, int dims, CancellationToken ct)
    {
        IReadOnlySet<string> live = m.Live;
        foreach (string file in live)
        {
            await files.FetchAsync(Name, file, ct);
        }

        string dir = files.LocalDirectory(Name);
        lock (this)
        {
            if (_snapshotName != m.Snapshot)
            {
                SharedSnapshot? next = m.Snapshot is null ? null : new SharedSnapshot(new SnapshotReader(Path.Combine(dir, m.Snapshot)));
                _snapshot?.Release();
                if (m.Version > _version)
                {
                    // A compaction replaced them: drop their local copies (searches still mapping the old snapshot keep it).
                    foreach (string old in _deltas.Append(_snapshotName).OfType<string>().Where(f => !live.Contains(f)))
                    {
                        files.Evict(Name, old);
                    }
                }

                (_snapshot, _snapshotName, _version) = (next, m.Snapshot, m.Version);
            }

            string key = string.Join('|', m.Deltas);
            if (_overlay is null || _overlayKey != key)
            {
                _overlay = VectorFiles.Overlay(dir, m.Deltas, dims);
                (_overlayKey, _deltas) = (key, m.Deltas);
            }

            _snapshot?.Acquire();
            return new IndexView(_snapshot, _overlay);
        }
    }

    /// <summary>Drops the cache (after a compaction); searches still reading the old snapshot keep it until they finish.</summary>
    public void Reset()
    {
        lock (this)
        {
            _snapshot?.Release();
            (_snapshot, _snapshotName, _overlay, _overlayKey, _version, _deltas) = (null, null, null, null, 0, []);
        }
    }

    public void Dispose()
    {
        Reset();
        Writer.Dispose();
    }
}
