using System.Text.Json;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BatchEmbed.Connectors.Storage;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// Index files in a blob container (<c>{index}/manifest.json</c>, <c>{index}/snapshot-….bin</c>,
/// <c>{index}/delta-….bin</c>, <c>aliases.json</c>), with a local cache of the snapshots and deltas this process has
/// read or written: each is downloaded once, since a published file never changes. The manifest and the aliases are
/// replaced with an ETag condition (<c>If-Match</c>, or <c>If-None-Match: *</c> for the first), so two processes
/// cannot both win a swap. Files a compaction merged away are deleted at once; others not in the manifest only once they
/// are older than the grace period (<see cref="IIndexFiles.OrphanGrace"/> by default), so a delta another process has
/// uploaded but not yet added to the manifest survives.
/// </summary>
internal sealed class BlobIndexFiles : IIndexFiles
{
    private const string AliasesBlob = "aliases.json";
    private static readonly StorageTransferOptions s_transfer = new() { MaximumConcurrency = 4, MaximumTransferSize = 8 << 20, InitialTransferSize = 8 << 20 };
    private readonly BlobContainerClient _container;
    private readonly string _cache;
    private readonly CreateOnce _created;

    private readonly TimeSpan _grace;

    public BlobIndexFiles(BlobContainerClient container, string cacheDirectory, TimeSpan? orphanGrace = null)
    {
        _container = container;
        _grace = orphanGrace ?? IIndexFiles.OrphanGrace;
        _created = new CreateOnce(() => container.CreateIfNotExistsAsync());
        _cache = Path.GetFullPath(cacheDirectory);
    }

    public string LocalDirectory(string index) => Directory.CreateDirectory(Path.Combine(_cache, index)).FullName;

    public async Task<(IndexManifest Manifest, string? Version)> ReadManifestAsync(string index, CancellationToken ct)
    {
        (BinaryData? content, string? etag) = await ReadAsync($"{index}/{IndexManifest.FileName}", ct);
        return content is null ? (IndexManifest.Empty, null) : (IndexManifest.Parse(content.ToMemory().Span), etag);
    }

    public Task<bool> TryWriteManifestAsync(string index, IndexManifest manifest, string? version, CancellationToken ct) =>
        TryReplaceAsync($"{index}/{IndexManifest.FileName}", manifest.ToJson(), version, ct);

    public async Task PublishAsync(string index, string name, CancellationToken ct)
    {
        await _created.EnsureAsync();
        try
        {
            await _container.GetBlobClient($"{index}/{name}").UploadAsync(
                Path.Combine(LocalDirectory(index), name),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, TransferOptions = s_transfer },
                ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // already published: a retry after a lost response (names are never reused)
        }
    }

    public async Task FetchAsync(string index, string name, CancellationToken ct)
    {
        string path = Path.Combine(LocalDirectory(index), name);
        if (File.Exists(path))
        {
            return;
        }

        await _created.EnsureAsync();
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await _container.GetBlobClient($"{index}/{name}").DownloadToAsync(temp, new BlobDownloadToOptions { TransferOptions = s_transfer }, ct);
            File.Move(temp, path, overwrite: true);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"Index file {index}/{name} is gone.", name, ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Evict(string index, string name) => LocalIndexFiles.DeleteFile(Path.Combine(LocalDirectory(index), name));

    public async Task DeleteAsync(string index, IEnumerable<string> names, CancellationToken ct)
    {
        await _created.EnsureAsync();
        foreach (string name in names)
        {
            await _container.DeleteBlobIfExistsAsync($"{index}/{name}", cancellationToken: ct);
            LocalIndexFiles.DeleteFile(Path.Combine(LocalDirectory(index), name));
        }
    }

    public async Task RemoveOrphansAsync(string index, IReadOnlySet<string> live, CancellationToken ct)
    {
        await _created.EnsureAsync();
        DateTimeOffset before = DateTimeOffset.UtcNow - _grace;
        await foreach (BlobItem blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, index + "/", ct))
        {
            string name = blob.Name[(index.Length + 1)..];
            if (name != IndexManifest.FileName && !live.Contains(name) && blob.Properties.LastModified <= before)
            {
                await _container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
            }
        }

        // The cache holds only published files and downloads in progress (temp files, kept for the grace period).
        foreach (string file in Directory.EnumerateFiles(LocalDirectory(index)))
        {
            string name = Path.GetFileName(file);
            if (!live.Contains(name) && (!name.EndsWith(".tmp", StringComparison.Ordinal) || File.GetLastWriteTimeUtc(file) <= before.UtcDateTime))
            {
                LocalIndexFiles.DeleteFile(file);
            }
        }
    }

    public async Task<(Dictionary<string, string> Aliases, string? Version)> ReadAliasesAsync(CancellationToken ct)
    {
        (BinaryData? content, string? etag) = await ReadAsync(AliasesBlob, ct);
        return (content is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(content.ToMemory().Span) ?? [], etag);
    }

    public Task<bool> TryWriteAliasesAsync(Dictionary<string, string> aliases, string? version, CancellationToken ct) =>
        TryReplaceAsync(AliasesBlob, JsonSerializer.SerializeToUtf8Bytes(aliases), version, ct);

    private async Task<(BinaryData? Content, string? ETag)> ReadAsync(string blob, CancellationToken ct)
    {
        await _created.EnsureAsync();
        try
        {
            Response<BlobDownloadResult> r = await _container.GetBlobClient(blob).DownloadContentAsync(ct);
            return (r.Value.Content, r.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (null, null);
        }
    }

    private async Task<bool> TryReplaceAsync(string blob, byte[] content, string? version, CancellationToken ct)
    {
        await _created.EnsureAsync();
        var conditions = version is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(version) };
        try
        {
            await _container.GetBlobClient(blob).UploadAsync(new BinaryData(content), new BlobUploadOptions { Conditions = conditions }, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

}
