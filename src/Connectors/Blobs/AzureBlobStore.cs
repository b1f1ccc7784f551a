using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using BatchEmbed.Connectors.Storage;

namespace BatchEmbed.Connectors.Blobs;

/// <summary>
/// Blobs in one Azure Blob Storage container (or Azurite). Writes stage blocks and commit the block list at the end,
/// so a reader sees the old blob or the new one, never a part, and a failed or killed writer changes nothing; reads
/// stream in ranges and fail rather than mix two versions if the blob is replaced meanwhile. The container is created
/// on first use.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    /// <summary>Bytes per staged block; with 4 in flight a write holds at most 40 MB, for blobs up to 400 GB.</summary>
    public const int BlockSize = 8 << 20;

    private const int BlocksInFlight = 4;
    private readonly BlobContainerClient _container;
    private readonly CreateOnce _created;

    public AzureBlobStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _created = new CreateOnce(() => container.CreateIfNotExistsAsync());
    }

    /// <summary>A container reached with a connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public static AzureBlobStore FromConnectionString(string connectionString, string container) =>
        new(new BlobContainerClient(connectionString, container));

    /// <summary>A container reached with an account URI (<c>https://{account}.blob.core.windows.net</c>) and a credential.</summary>
    public static AzureBlobStore FromAccount(Uri accountUri, TokenCredential credential, string container) =>
        new(new BlobServiceClient(accountUri, credential).GetBlobContainerClient(container));

    public Task<long> WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAsync(path, s => content.CopyToAsync(s, cancellationToken), cancellationToken);
    }

    public async Task<long> WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        BlockBlobClient blob = await BlockAsync(path);
        await using var staging = new BlockStagingStream(blob, BlockSize, BlocksInFlight, cancellationToken);
        await write(staging);
        await staging.CommitAsync(null);
        return staging.Length;
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        BlockBlobClient blob = await BlockAsync(path);
        try
        {
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = 4 << 20 }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"Blob '{path}' does not exist.", path, ex);
        }
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        BlockBlobClient blob = await BlockAsync(path);
        return await blob.ExistsAsync(cancellationToken);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BlobPath.Validate(prefix, allowEmpty: true);
        await _created.EnsureAsync();
        // The service lists names in ascending order, which for our paths (ASCII) is ordinal order.
        await foreach (BlobItem item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length == 0 ? null : prefix, cancellationToken))
        {
            yield return new BlobInfo(item.Name, item.Properties.ContentLength ?? 0, item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        BlockBlobClient blob = await BlockAsync(path);
        return await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
    }

    private async Task<BlockBlobClient> BlockAsync(string path)
    {
        BlobPath.Validate(path, allowEmpty: false);
        await _created.EnsureAsync();
        return _container.GetBlockBlobClient(path);
    }

}
