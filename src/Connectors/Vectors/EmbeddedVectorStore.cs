using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// The built-in vector index: per index a manifest, one immutable snapshot and delta files, kept in a local directory
/// or in a blob container (<see cref="IIndexFiles"/>). Compaction writes a new snapshot beside the old one and then
/// swaps the manifest (by rename locally, ETag-conditional in Blob Storage), so a crash at any point leaves the old
/// state or the new one, and of two compactions racing one wins. Search is exact cosine top-k with SIMD over the
/// memory-mapped snapshot (a local copy, downloaded once per version from Blob Storage) plus unmerged deltas.
/// </summary>
public sealed partial class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private const int ManifestAttempts = 4;
    private readonly IIndexFiles _files;
    private readonly Dictionary<string, IndexState> _indexes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _aliasLock = new(1, 1);

    /// <summary>An index kept in a local directory.</summary>
    public EmbeddedVectorStore(string root)
        : this(root, IIndexFiles.OrphanGrace)
    {
    }

    /// <summary>An index kept in a local directory, with the grace period of orphaned files (tests shorten it).</summary>
    internal EmbeddedVectorStore(string root, TimeSpan orphanGrace)
        : this(new LocalIndexFiles(Path.GetFullPath(root ?? throw new ArgumentNullException(nameof(root))), orphanGrace))
    {
    }

    internal EmbeddedVectorStore(IIndexFiles files) => _files = files;

    /// <summary>An index kept in a blob container, with snapshots and deltas cached in <paramref name="cacheDirectory"/>.</summary>
    public static EmbeddedVectorStore InBlobContainer(BlobContainerClient container, string cacheDirectory) =>
        InBlobContainer(container, cacheDirectory, null);

    /// <summary>As <see cref="InBlobContainer(BlobContainerClient, string)"/>, with the grace period of orphaned files (tests shorten it).</summary>
    internal static EmbeddedVectorStore InBlobContainer(BlobContainerClient container, string cacheDirectory, TimeSpan? orphanGrace)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        return new(new BlobIndexFiles(container, cacheDirectory, orphanGrace));
    }

    /// <summary>Test hook: called at "snapshot-written" and "manifest-swapped" during compaction (throw to simulate a crash).</summary>
    internal Action<string>? FailPoint { get; set; }

    public async Task<string> WriteDeltaAsync(string index, IReadOnlyList<VectorRecord> upserts, IReadOnlyList<string> tombstones, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upserts);
        ArgumentNullException.ThrowIfNull(tombstones);
        if (upserts.Any(r => string.IsNullOrEmpty(r.Key)) || tombstones.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Every vector needs a key.");
        }

        IndexState state = State(await ResolveAsync(index, cancellationToken));
        await state.Writer.WaitAsync(cancellationToken);
        try
        {
            (IndexManifest m, string? version) = await _files.ReadManifestAsync(state.Name, cancellationToken);
            int dims = Dimensions(state, m, upserts);
            string name = $"delta-{m.NextDelta:D8}-{Suffix()}.bin";
            VectorFiles.WriteDelta(Path.Combine(_files.LocalDirectory(state.Name), name), dims, upserts, tombstones);
            await _files.PublishAsync(state.Name, name, cancellationToken);
            while (!await _files.TryWriteManifestAsync(state.Name, m with { Dimensions = dims == 0 ? m.Dimensions : dims, Deltas = [.. m.Deltas, name], NextDelta = m.NextDelta + 1 }, version, cancellationToken))
            {
                // Another process added a delta or compacted first: add ours to what it left.
                (m, version) = await _files.ReadManifestAsync(state.Name, cancellationToken);
                Dimensions(state, m, upserts);
            }

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
            return await FromCurrentManifestAsync(() => CompactOnceAsync(state, cancellationToken));
        }
        finally
        {
            state.Writer.Release();
        }
    }

    private async Task<CompactionResult> CompactOnceAsync(IndexState state, CancellationToken ct)
    {
        (IndexManifest m, string? version) = await _files.ReadManifestAsync(state.Name, ct);
        IReadOnlySet<string> live = m.Live;
        await _files.RemoveOrphansAsync(state.Name, live, ct);
        if (m.Deltas.Count == 0 || m.Dimensions is not { } dims)
        {
            return new CompactionResult(m.Version, (await StatsAsync(state, m, ct)).Vectors, 0);
        }

        string dir = _files.LocalDirectory(state.Name);
        foreach (string file in live)
        {
            await _files.FetchAsync(state.Name, file, ct);
        }

        string name = $"snapshot-{m.Version + 1:D6}-{Suffix()}.bin";
        long count = WriteSnapshot(Path.Combine(dir, name), dims, m.Snapshot is null ? null : Path.Combine(dir, m.Snapshot), VectorFiles.Overlay(dir, m.Deltas, dims));
        await _files.PublishAsync(state.Name, name, ct);
        FailPoint?.Invoke("snapshot-written");
        IndexManifest current = m, next;
        while (true)
        {
            if (current.Snapshot != m.Snapshot || !current.Deltas.Take(m.Deltas.Count).SequenceEqual(m.Deltas, StringComparer.Ordinal))
            {
                await _files.DeleteAsync(state.Name, [name], ct); // another compaction won
                return new CompactionResult(current.Version, (await StatsAsync(state, current, ct)).Vectors, 0);
            }

            // Deltas added since the read stay unmerged after the new snapshot.
            next = current with { Version = m.Version + 1, Snapshot = name, Deltas = [.. current.Deltas.Skip(m.Deltas.Count)] };
            if (await _files.TryWriteManifestAsync(state.Name, next, version, ct))
            {
                break;
            }

            (current, version) = await _files.ReadManifestAsync(state.Name, ct);
        }

        state.Reset();
        FailPoint?.Invoke("manifest-swapped");
        await _files.DeleteAsync(state.Name, live.Except(next.Live), ct);
        return new CompactionResult(next.Version, count, m.Deltas.Count);
    }

    public async Task<IReadOnlyList<VectorHit>> SearchAsync(string index, ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        return await FromCurrentManifestAsync<IReadOnlyList<VectorHit>>(async () =>
        {
            (IndexManifest m, _) = await _files.ReadManifestAsync(state.Name, cancellationToken);
            if (m.Dimensions is not { } dims)
            {
                return [];
            }

            if (query.Length != dims)
            {
                throw new ArgumentException($"The query has {query.Length} dimensions; index '{state.Name}' has {dims}.", nameof(query));
            }

            using IndexView view = await state.ViewAsync(_files, m, dims, cancellationToken);
            return Scan(view, query.Span, k);
        });
    }

    public async Task<VectorIndexStats> GetStatsAsync(string index, CancellationToken cancellationToken)
    {
        IndexState state = State(await ResolveAsync(index, cancellationToken));
        return await FromCurrentManifestAsync(async () =>
            await StatsAsync(state, (await _files.ReadManifestAsync(state.Name, cancellationToken)).Manifest, cancellationToken));
    }

    /// <summary>
    /// Runs work that reads the manifest and then its files again when a file is gone: compacted away (here or in
    /// another process) between the read and the open, so a fresh read of the manifest names the files that replaced it.
    /// </summary>
    private static async Task<T> FromCurrentManifestAsync<T>(Func<Task<T>> work)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (FileNotFoundException) when (attempt < ManifestAttempts)
            {
            }
        }
    }

    public async Task SetAliasAsync(string aliasName, string physicalIndex, CancellationToken cancellationToken)
    {
        ValidateName(aliasName);
        ValidateName(physicalIndex);
        await _aliasLock.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                (Dictionary<string, string> aliases, string? version) = await _files.ReadAliasesAsync(cancellationToken);
                aliases[aliasName] = physicalIndex;
                if (await _files.TryWriteAliasesAsync(aliases, version, cancellationToken))
                {
                    return;
                }
            }
        }
        finally
        {
            _aliasLock.Release();
        }
    }

    public async Task<string> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        return (await _files.ReadAliasesAsync(cancellationToken)).Aliases.GetValueOrDefault(name, name);
    }

    public async Task<long> DeleteIndexAsync(string index, CancellationToken cancellationToken)
    {
        ValidateName(index);
        Dictionary<string, string> aliases = (await _files.ReadAliasesAsync(cancellationToken)).Aliases;
        if (aliases.TryGetValue(index, out string? named))
        {
            throw new InvalidOperationException($"'{index}' is an alias (of '{named}'), not an index.");
        }

        if (aliases.FirstOrDefault(a => a.Value == index).Key is { } alias)
        {
            throw new InvalidOperationException($"Index '{index}' is in use: alias '{alias}' names it.");
        }

        IndexState state = State(index);
        await state.Writer.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                (IndexManifest m, string? version) = await _files.ReadManifestAsync(state.Name, cancellationToken);
                long vectors = (await StatsAsync(state, m, cancellationToken)).Vectors;
                IndexManifest empty = IndexManifest.Empty with { Version = m.Version + 1, NextDelta = m.NextDelta };
                if (await _files.TryWriteManifestAsync(state.Name, empty, version, cancellationToken))
                {
                    state.Reset();
                    await _files.DeleteAsync(state.Name, m.Live, cancellationToken);
                    return vectors;
                }
            }
        }
        finally
        {
            state.Writer.Release();
        }
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

    private static List<VectorHit> Scan(IndexView view, ReadOnlySpan<float> q, int k)
    {
        var top = new PriorityQueue<string, float>(k + 1);
        Dictionary<string, float[]?> overlay = view.Overlay;
        if (view.Snapshot is { } snapshot)
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

    /// <summary>The index's dimensions after this write; throws if a vector disagrees with them.</summary>
    private static int Dimensions(IndexState state, IndexManifest m, IReadOnlyList<VectorRecord> upserts)
    {
        int dims = m.Dimensions ?? (upserts.Count > 0 ? upserts[0].Vector.Length : 0);
        foreach (VectorRecord r in upserts)
        {
            if (r.Vector.Length != dims || dims == 0)
            {
                throw new ArgumentException($"Vector '{r.Key}' has {r.Vector.Length} dimensions; index '{state.Name}' has {dims}.");
            }
        }

        return dims;
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

    private async Task<VectorIndexStats> StatsAsync(IndexState state, IndexManifest m, CancellationToken ct)
    {
        if (m.Dimensions is not { } dims)
        {
            return new VectorIndexStats(state.Name, null, 0, m.Version, m.Deltas.Count);
        }

        using IndexView view = await state.ViewAsync(_files, m, dims, ct);
        long count = view.Snapshot?.Count ?? 0;
        foreach ((string key, float[]? v) in view.Overlay)
        {
            bool inSnapshot = view.Snapshot?.KeySet.Contains(key) == true;
            count += (inSnapshot, v is null) switch { (true, true) => -1, (false, false) => 1, _ => 0 };
        }

        return new VectorIndexStats(state.Name, dims, count, m.Version, m.Deltas.Count);
    }

    /// <summary>Makes a published file's name unique, so writers in two processes never write the same blob.</summary>
    private static string Suffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

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

    private IndexState State(string index)
    {
        ValidateName(index);
        lock (_lock)
        {
            if (!_indexes.TryGetValue(index, out IndexState? s))
            {
                _indexes[index] = s = new IndexState(index);
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
}
