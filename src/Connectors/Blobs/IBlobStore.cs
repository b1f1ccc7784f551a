namespace BatchEmbed.Connectors.Blobs;

/// <summary>
/// The blob store port: batch files, vector deltas and snapshots, exports. Paths are relative, '/'-separated, and may
/// not climb out of the store. A write is atomic: readers see the old blob or the new one, never a part.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/>, replacing any blob there; returns its size.</summary>
    Task<long> WriteAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Writes through a callback that gets a writable stream; the blob appears only if the callback completes.</summary>
    Task<long> WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken);

    /// <summary>Opens a blob for streaming reads; throws <see cref="FileNotFoundException"/> if it does not exist.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string path, CancellationToken cancellationToken);

    /// <summary>Blobs whose path starts with <paramref name="prefix"/>, in ordinal path order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes a blob; returns false if it did not exist.</summary>
    Task<bool> DeleteAsync(string path, CancellationToken cancellationToken);
}

/// <summary>A listed blob.</summary>
public sealed record BlobInfo(string Path, long Size, DateTimeOffset LastModified);
