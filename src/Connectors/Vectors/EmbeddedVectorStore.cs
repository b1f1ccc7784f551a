using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// The embedded vector index: per index a manifest, one immutable snapshot and delta files. Compaction writes a new
/// snapshot beside the old one and then swaps the manifest by rename, so a crash at any point leaves either the old
/// state or the new one. Search is exact cosine top-k with SIMD over the memory-mapped snapshot plus unmerged deltas.
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private readonly string _root;
    private readonly Dictionary<string, IndexState> _indexes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _aliasLock = new(1, 1);

    public EmbeddedVectorStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>Test hook: called at "snapshot-written" and "manifest-swapped" during compaction (throw to simulate a crash).</summary>
    internal Action<string>? FailPoint { get; set; }

    public async Task<string> WriteDeltaAsync(string index, IReadOnlyList<VectorRecord> upserts, IReadOnlyList<string> tombstones, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(tombstones);
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        await state.Writer.WaitAsync(cancellationToken);
        try
        {
            IndexManifest m = IndexManifest.Load(state.ManifestPath);
            int dims = m.Dimensions ?? (upserts.Count > 0 ? upserts[0].Vector.Length : 0);
            foreach (VectorRecord r in upserts)
            {
                if (r.Vector.Length != dims || dims == 0)
                {
                    throw new ArgumentException($"Vector '{r.Key}' has {r.Vector.Length} dimensions; index '{state.Name}' has {dims}.");
                }

                if (string.IsNullOrEmpty(r.Key))
                {
                    throw new ArgumentException("Every vector needs a key.");
                }
            }

            string name = $"delta-{m.NextDelta:D8}.bin";
            VectorFiles.WriteDelta(Path.Combine(state.Directory, name), dims, upserts, tombstones);
            (m with { Dimensions = dims == 0 ? m.Dimensions : dims, Deltas = [.. m.Deltas, name], NextDelta = m.NextDelta + 1 }).Save(state.ManifestPath);
            return name;
        }
        finally
        {
            state.Writer.Release();
        }
    }

    public async Task<CompactionResult> CompactAsync(string index, CancellationToken cancellationToken)
    {
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        await state.Writer.WaitAsync(cancellationToken);
        try
        {
            IndexManifest m = IndexManifest.Load(state.ManifestPath);
            RemoveOrphans(state, m);
            if (m.Deltas.Count == 0 || m.Dimensions is not { } dims)
            {
                return new CompactionResult(m.Version, Stats(state, m).Vectors, 0);
            }

            Dictionary<string, float[]?> overlay = Overlay(state, m, dims);
            string name = $"snapshot-{m.Version + 1:D6}.bin";
            long count = WriteSnapshot(Path.Combine(state.Directory, name), dims, m.Snapshot is null ? null : Path.Combine(state.Directory, m.Snapshot), overlay);
            FailPoint?.Invoke("snapshot-written");
            var next = m with { Version = m.Version + 1, Snapshot = name, Deltas = [] };
            state.Swap.EnterWriteLock();
            try
            {
                next.Save(state.ManifestPath);
                state.Reset();
            }
            finally
            {
                state.Swap.ExitWriteLock();
            }

            FailPoint?.Invoke("manifest-swapped");
            RemoveOrphans(state, next);
            return new CompactionResult(next.Version, count, m.Deltas.Count);
        }
        finally
        {
            state.Writer.Release();
        }
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(string index, ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        state.Swap.EnterReadLock();
        try
        {
            IndexManifest m = IndexManifest.Load(state.ManifestPath);
            if (m.Dimensions is not { } dims)
            {
                return [];
            }

            if (query.Length != dims)
            {
                throw new ArgumentException($"The query has {query.Length} dimensions; index '{state.Name}' has {dims}.", nameof(query));
            }

            (SnapshotReader? snapshot, Dictionary<string, float[]?> overlay) = state.View(m, dims);
            var top = new PriorityQueue<string, float>(k + 1);
            ReadOnlySpan<float> q = query.Span;
            if (snapshot is not null)
            {
                string[] keys = snapshot.Keys;
                for (int i = 0; i < snapshot.Count; i++)
                {
                    if (overlay.Count > 0 && overlay.ContainsKey(keys[i]))
                    {
                        continue; // replaced or deleted by a newer delta
                    }

                    Offer(top, k, keys[i], TensorPrimitives.CosineSimilarity(snapshot.Vector(i), q));
                }
            }

            foreach ((string key, float[]? v) in overlay)
            {
                if (v is not null)
                {
                    Offer(top, k, key, TensorPrimitives.CosineSimilarity(v, q));
                }
            }

            var hits = new List<VectorHit>(top.Count);
            while (top.TryDequeue(out string? key, out float score))
            {
                hits.Add(new VectorHit(key, score));
            }

            hits.Reverse();
            return hits;
        }
        finally
        {
            state.Swap.ExitReadLock();
        }
    }

    public async Task<VectorIndexStats> GetStatsAsync(string index, CancellationToken cancellationToken)
    {
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        state.Swap.EnterReadLock();
        try
        {
            return Stats(state, IndexManifest.Load(state.ManifestPath));
        }
        finally
        {
            state.Swap.ExitReadLock();
        }
    }

    public async Task SetAliasAsync(string aliasName, string physicalIndex, CancellationToken cancellationToken)
    {
        ValidateName(aliasName);
        ValidateName(physicalIndex);
        await _aliasLock.WaitAsync(cancellationToken);
        try
        {
            Dictionary<string, string> aliases = LoadAliases();
            aliases[aliasName] = physicalIndex;
            string path = Path.Combine(_root, "aliases.json");
            await File.WriteAllTextAsync(path + ".tmp", JsonSerializer.Serialize(aliases), cancellationToken);
            File.Move(path + ".tmp", path, overwrite: true);
        }
        finally
        {
            _aliasLock.Release();
        }
    }

    public Task<string> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        return Task.FromResult(LoadAliases().GetValueOrDefault(name, name));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (IndexState s in _indexes.Values)
            {
                s.Dispose();
            }

            _indexes.Clear();
        }

        _aliasLock.Dispose();
    }

    private static void Offer(PriorityQueue<string, float> top, int k, string key, float score)
    {
        if (top.Count < k)
        {
            top.Enqueue(key, score);
        }
        else if (top.TryPeek(out _, out float worst) && score > worst)
        {
            top.DequeueEnqueue(key, score);
        }
    }

    private static VectorIndexStats Stats(IndexState state, IndexManifest m)
    {
        if (m.Dimensions is not { } dims)
        {
            return new VectorIndexStats(state.Name, null, 0, m.Version, m.Deltas.Count);
        }

        (SnapshotReader? snapshot, Dictionary<string, float[]?> overlay) = state.View(m, dims);
        long count = snapshot?.Count ?? 0;
        foreach ((string key, float[]? v) in overlay)
        {
            bool inSnapshot = snapshot?.KeySet.Contains(key) == true;
            count += (inSnapshot, v is null) switch { (true, true) => -1, (false, false) => 1, _ => 0 };
        }

        return new VectorIndexStats(state.Name, dims, count, m.Version, m.Deltas.Count);
    }

    internal static Dictionary<string, float[]?> Overlay(IndexState state, IndexManifest m, int dims)
    {
        var overlay = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        foreach (string delta in m.Deltas)
        {
            VectorFiles.ReadDelta(Path.Combine(state.Directory, delta), dims, overlay);
        }

        return overlay;
    }

    private static long WriteSnapshot(string path, int dims, string? previous, Dictionary<string, float[]?> overlay)
    {
        string temp = path + ".tmp";
        var keys = new List<string>();
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            fs.Write(new byte[VectorFiles.SnapshotHeader]);
            if (previous is not null)
            {
                using var old = new SnapshotReader(previous);
                for (int i = 0; i < old.Count; i++)
                {
                    if (!overlay.ContainsKey(old.Keys[i]))
                    {
                        fs.Write(MemoryMarshal.AsBytes(old.Vector(i)));
                        keys.Add(old.Keys[i]);
                    }
                }
            }

            foreach ((string key, float[]? v) in overlay)
            {
                if (v is not null)
                {
                    fs.Write(MemoryMarshal.AsBytes(v.AsSpan()));
                    keys.Add(key);
                }
            }

            long keysOffset = fs.Position;
            using (var w = new BinaryWriter(fs, Encoding.UTF8, leaveOpen: true))
            {
                foreach (string key in keys)
                {
                    w.Write(key);
                }

                w.Seek(0, SeekOrigin.Begin);
                w.Write("BEVS"u8);
                w.Write(dims);
                w.Write(keys.Count);
                w.Write(0);
                w.Write(keysOffset);
            }

            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        return keys.Count;
    }

    private static void RemoveOrphans(IndexState state, IndexManifest m)
    {
        var live = new HashSet<string>(m.Deltas, StringComparer.Ordinal) { "manifest.json" };
        if (m.Snapshot is not null)
        {
            live.Add(m.Snapshot);
        }

        foreach (string file in Directory.EnumerateFiles(state.Directory))
        {
            if (!live.Contains(Path.GetFileName(file)))
            {
                File.Delete(file); // files of an interrupted write or compaction, or merged away: not in the manifest
            }
        }
    }

    private Dictionary<string, string> LoadAliases()
    {
        string path = Path.Combine(_root, "aliases.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? [] : [];
    }

    private IndexState State(string index)
    {
        ValidateName(index);
        lock (_lock)
        {
            if (!_indexes.TryGetValue(index, out IndexState? s))
            {
                _indexes[index] = s = new IndexState(index, Path.Combine(_root, index));
            }

            return s;
        }
    }

    private static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name ?? string.Empty))
        {
            throw new ArgumentException($"Invalid index or alias name '{name}': 1-128 lowercase letters, digits, '.', '-' or '_'.", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    /// <summary>Per index: the write gate, the swap lock, and the cached snapshot reader and delta overlay.</summary>
    internal sealed class IndexState : IDisposable
    {
        private SnapshotReader? _reader;
        private string? _readerFile;
        private Dictionary<string, float[]?>? _overlay;
        private string? _overlayKey;

        public IndexState(string name, string directory)
        {
            Name = name;
            Directory = directory;
            System.IO.Directory.CreateDirectory(directory);
        }

        public string Name { get; }

        public string Directory { get; }

        public string ManifestPath => Path.Combine(Directory, "manifest.json");

        public SemaphoreSlim Writer { get; } = new(1, 1);

        public ReaderWriterLockSlim Swap { get; } = new(LockRecursionPolicy.SupportsRecursion);

        public (SnapshotReader? Snapshot, Dictionary<string, float[]?> Overlay) View(IndexManifest m, int dims)
        {
            lock (this)
            {
                if (_readerFile != m.Snapshot)
                {
                    _reader?.Dispose();
                    _reader = m.Snapshot is null ? null : new SnapshotReader(Path.Combine(Directory, m.Snapshot));
                    _readerFile = m.Snapshot;
                }

                string key = string.Join('|', m.Deltas);
                if (_overlay is null || _overlayKey != key)
                {
                    _overlay = EmbeddedVectorStore.Overlay(this, m, dims);
                    _overlayKey = key;
                }

                return (_reader, _overlay);
            }
        }

        public void Reset()
        {
            lock (this)
            {
                _reader?.Dispose();
                _reader = null;
                _readerFile = null;
                _overlay = null;
                _overlayKey = null;
            }
        }

        public void Dispose()
        {
            Reset();
            Writer.Dispose();
            Swap.Dispose();
        }
    }
}
