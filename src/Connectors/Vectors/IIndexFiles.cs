namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// Where an index's files are kept, for <see cref="EmbeddedVectorStore"/>: a local directory, or a blob container with
/// a local cache. Snapshots and deltas are immutable once published and are read from local copies (a snapshot is
/// memory-mapped); the manifest and the alias map are replaced only if they are still the version that was read, so
/// of two writers racing, one wins and the other reads again.
/// </summary>
/// <remarks>A file another writer uploaded but has not yet committed is never deleted: see <see cref="OrphanGrace"/>.</remarks>
internal interface IIndexFiles
{
    /// <summary>How old a file no manifest names must be before it is taken for a crash's leftover and deleted.</summary>
    public static readonly TimeSpan OrphanGrace = TimeSpan.FromMinutes(15);

    /// <summary>The local directory where this index's files are written before they are published, and read from.</summary>
    string LocalDirectory(string index);

    /// <summary>The manifest and its version (null when there is none yet).</summary>
    Task<(IndexManifest Manifest, string? Version)> ReadManifestAsync(string index, CancellationToken ct);

    /// <summary>Replaces the manifest if its version is still <paramref name="version"/>; false if another writer got there first.</summary>
    Task<bool> TryWriteManifestAsync(string index, IndexManifest manifest, string? version, CancellationToken ct);

    /// <summary>Makes a file written in <see cref="LocalDirectory"/> readable everywhere.</summary>
    Task PublishAsync(string index, string name, CancellationToken ct);

    /// <summary>Makes sure a published file has a local copy; throws <see cref="FileNotFoundException"/> if it is gone.</summary>
    Task FetchAsync(string index, string name, CancellationToken ct);

    /// <summary>Drops the local copy of a file this process no longer reads (a replaced snapshot), where it is only a copy.</summary>
    void Evict(string index, string name);

    /// <summary>Deletes files a manifest no longer names (merged away by a compaction), here and in the local cache.</summary>
    Task DeleteAsync(string index, IEnumerable<string> names, CancellationToken ct);

    /// <summary>
    /// Deletes the index's files that are not <paramref name="live"/> and older than the grace period: left by a crash
    /// before their commit. Younger ones may be another writer's, about to be committed, and are left alone.
    /// </summary>
    Task RemoveOrphansAsync(string index, IReadOnlySet<string> live, CancellationToken ct);

    Task<(Dictionary<string, string> Aliases, string? Version)> ReadAliasesAsync(CancellationToken ct);

    Task<bool> TryWriteAliasesAsync(Dictionary<string, string> aliases, string? version, CancellationToken ct);
}
