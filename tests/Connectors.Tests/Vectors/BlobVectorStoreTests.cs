using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Tests.Servers;

namespace BatchEmbed.Connectors.Tests.Vectors;

/// <summary>
/// The vector index contract with its files in a blob container on Azurite; each store has its own local cache, as
/// two processes (or machines) would.
/// </summary>
public sealed class BlobVectorStoreTests(AzuriteServer azurite) : VectorStoreContract, IClassFixture<AzuriteServer>
{
    private readonly string _caches = Directory.CreateTempSubdirectory("vector-caches-").FullName;
    private string _container = string.Empty;

    protected override EmbeddedVectorStore CreateStore(TimeSpan? orphanGrace = null)
    {
        _container = "vectors" + Guid.NewGuid().ToString("N");
        return EmbeddedVectorStore.InBlobContainer(Container(), NewCache(), orphanGrace);
    }

    protected override EmbeddedVectorStore CreateSameStore() => EmbeddedVectorStore.InBlobContainer(Container(), NewCache());

    protected override async Task<IReadOnlyList<string>> FilesAsync(string index)
    {
        var names = new List<string>();
        await foreach (BlobItem b in Container().GetBlobsAsync(BlobTraits.None, BlobStates.None, index + "/", CancellationToken.None))
        {
            names.Add(b.Name[(index.Length + 1)..]);
        }

        return names;
    }

    [Fact]
    public async Task A_snapshot_is_downloaded_once_per_version_and_searched_from_the_local_copy()
    {
        using EmbeddedVectorStore writer = CreateStore();
        float[] v = [.. Enumerable.Range(0, 8).Select(i => (float)i)];
        await writer.WriteDeltaAsync("lines", [new VectorRecord("a", v), new VectorRecord("b", [.. v.Reverse()])], [], CancellationToken.None);
        await writer.CompactAsync("lines", CancellationToken.None);

        string cache = NewCache();
        using EmbeddedVectorStore reader = EmbeddedVectorStore.InBlobContainer(Container(), cache);
        Assert.Equal("a", (await reader.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        string snapshot = Assert.Single(Directory.GetFiles(Path.Combine(cache, "lines")));
        Assert.StartsWith("snapshot-000001-", Path.GetFileName(snapshot), StringComparison.Ordinal);
        DateTime downloaded = File.GetLastWriteTimeUtc(snapshot);
        await Task.Delay(50);
        Assert.Equal("a", (await reader.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal(downloaded, File.GetLastWriteTimeUtc(snapshot));

        // A delta elsewhere is downloaded for the next search; after a compaction elsewhere, the next search reads the
        // new version and the old snapshot and the merged delta are dropped from the cache.
        await writer.WriteDeltaAsync("lines", [new VectorRecord("c", v)], ["a"], CancellationToken.None);
        Assert.Equal("c", (await reader.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(cache, "lines")).Length);
        await writer.CompactAsync("lines", CancellationToken.None);
        Assert.Equal("c", (await reader.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.StartsWith("snapshot-000002-", Path.GetFileName(Assert.Single(Directory.GetFiles(Path.Combine(cache, "lines")))), StringComparison.Ordinal);
    }

    private string NewCache() => Path.Combine(_caches, Guid.NewGuid().ToString("N"));

    private BlobContainerClient Container() => new(azurite.ConnectionString, _container);

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_caches, recursive: true);
    }
}
