namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// The vector store port. Writes land as delta files (upserts and tombstones); compaction merges them into a new
/// snapshot. Searches see the snapshot plus every delta not yet merged. Names resolve through aliases, so a blue/green
/// swap is one alias change.
/// </summary>
public interface IVectorStore
{
    /// <summary>Appends one delta to an index (created on first write); returns the delta's name.</summary>
    Task<string> WriteDeltaAsync(string index, IReadOnlyList<VectorRecord> upserts, IReadOnlyList<string> tombstones, CancellationToken cancellationToken);

    /// <summary>Merges all current deltas into a new snapshot and swaps the manifest atomically.</summary>
    Task<CompactionResult> CompactAsync(string index, CancellationToken cancellationToken);

    /// <summary>Exact cosine top-k over the snapshot and unmerged deltas, best first.</summary>
    Task<IReadOnlyList<VectorHit>> SearchAsync(string index, ReadOnlyMemory<float> query, int k, CancellationToken cancellationToken);

    Task<VectorIndexStats> GetStatsAsync(string index, CancellationToken cancellationToken);

    /// <summary>Points <paramref name="aliasName"/> at <paramref name="physicalIndex"/>, atomically.</summary>
    Task SetAliasAsync(string aliasName, string physicalIndex, CancellationToken cancellationToken);

    /// <summary>The physical index an alias names, or the name itself when it is not an alias.</summary>
    Task<string> ResolveAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Empties a physical index (its snapshot and deltas are deleted) and returns how many vectors it held. Refused
    /// with <see cref="InvalidOperationException"/> while an alias names it, and for an alias's own name.
    /// </summary>
    Task<long> DeleteIndexAsync(string index, CancellationToken cancellationToken);
}

/// <summary>One vector, keyed (for embeddings, by custom id: collection|item|chunk).</summary>
public sealed record VectorRecord(string Key, float[] Vector);

/// <summary>A search result.</summary>
public sealed record VectorHit(string Key, float Score);

/// <summary>What a compaction did.</summary>
public sealed record CompactionResult(int SnapshotVersion, long Vectors, int DeltasMerged);

/// <summary>An index's size and state.</summary>
public sealed record VectorIndexStats(string Index, int? Dimensions, long Vectors, int SnapshotVersion, int PendingDeltas);
