using System.Security.Cryptography;
using System.Text;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Tests.Servers;

namespace BatchEmbed.Connectors.Tests.Blobs;

/// <summary>What every <see cref="IBlobStore"/> must do; run against each adapter by a subclass.</summary>
public abstract class BlobStoreContract
{
    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract IBlobStore NewStore();

    [Fact]
    public async Task Blobs_write_read_list_by_prefix_and_delete()
    {
        IBlobStore store = NewStore();
        foreach (string p in new[] { "deltas/lines/0002.bin", "deltas/lines/0001.bin", "deltas/lines-2/0001.bin", "deltas/words/0001.bin", "snapshots/lines/v1.bin" })
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(p), await store.WriteAsync(p, new MemoryStream(Encoding.UTF8.GetBytes(p)), CancellationToken.None));
        }

        Assert.Equal(["deltas/lines/0001.bin", "deltas/lines/0002.bin"], await PathsAsync(store, "deltas/lines/"));
        Assert.Equal(["deltas/lines-2/0001.bin", "deltas/lines/0001.bin", "deltas/lines/0002.bin"], await PathsAsync(store, "deltas/lines"));
        Assert.Equal(5, (await PathsAsync(store, string.Empty)).Count);
        Assert.Empty(await PathsAsync(store, "nothing/"));
        await using (Stream s = await store.OpenReadAsync("snapshots/lines/v1.bin", CancellationToken.None))
        {
            Assert.Equal("snapshots/lines/v1.bin", await new StreamReader(s).ReadToEndAsync());
        }

        Assert.True(await store.ExistsAsync("deltas/words/0001.bin", CancellationToken.None));
        Assert.True(await store.DeleteAsync("deltas/lines/0001.bin", CancellationToken.None));
        Assert.False(await store.DeleteAsync("deltas/lines/0001.bin", CancellationToken.None));
        Assert.False(await store.ExistsAsync("deltas/lines/0001.bin", CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("deltas/lines/0001.bin", CancellationToken.None));
    }

    [Fact]
    public async Task A_write_replaces_the_blob_and_the_listing_reports_its_size()
    {
        IBlobStore store = NewStore();
        await store.WriteAsync("manifest.json", new MemoryStream("a longer first version"u8.ToArray()), CancellationToken.None);
        await store.WriteAsync("manifest.json", new MemoryStream("second"u8.ToArray()), CancellationToken.None);
        await using (Stream s = await store.OpenReadAsync("manifest.json", CancellationToken.None))
        {
            Assert.Equal("second", await new StreamReader(s).ReadToEndAsync());
        }

        BlobInfo info = Assert.Single(await ListAsync(store, string.Empty));
        Assert.Equal(("manifest.json", 6L), (info.Path, info.Size));
        Assert.True(info.LastModified > DateTimeOffset.UtcNow.AddHours(-1));

        Assert.Equal(0, await store.WriteAsync("empty.bin", new MemoryStream(), CancellationToken.None));
        await using Stream empty = await store.OpenReadAsync("empty.bin", CancellationToken.None);
        Assert.Equal(-1, empty.ReadByte());
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_old_blob_whole_and_nothing_else_visible()
    {
        IBlobStore store = NewStore();
        await store.WriteAsync("manifest.json", new MemoryStream("old"u8.ToArray()), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync("manifest.json", async s =>
        {
            await s.WriteAsync(new byte[(9 << 20) + 5]); // more than one block of the Azure adapter
            await s.WriteAsync("new but unfinis"u8.ToArray());
            throw new InvalidOperationException("crash");
        }, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync("fresh.bin", async s =>
        {
            await s.WriteAsync("partial"u8.ToArray());
            throw new InvalidOperationException("crash");
        }, CancellationToken.None));

        await using (Stream s = await store.OpenReadAsync("manifest.json", CancellationToken.None))
        {
            Assert.Equal("old", await new StreamReader(s).ReadToEndAsync());
        }

        Assert.Equal(["manifest.json"], await PathsAsync(store, string.Empty));
        Assert.False(await store.ExistsAsync("fresh.bin", CancellationToken.None));
    }

    [Fact]
    public async Task A_blob_of_hundreds_of_megabytes_streams_in_and_out_whole()
    {
        IBlobStore store = NewStore();
        const long Size = 200_000_000;
        using var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = await store.WriteAsync("batches/big.jsonl", async s =>
        {
            var chunk = new byte[1 << 20];
            for (long done = 0; done < Size; done += chunk.Length)
            {
                int n = (int)Math.Min(chunk.Length, Size - done);
                RandomNumberGenerator.Fill(chunk.AsSpan(0, n));
                written.AppendData(chunk, 0, n);
                await s.WriteAsync(chunk.AsMemory(0, n));
            }
        }, CancellationToken.None);
        Assert.Equal(Size, length);

        using var read = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        await using (Stream s = await store.OpenReadAsync("batches/big.jsonl", CancellationToken.None))
        {
            var buffer = new byte[1 << 20];
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
            {
                read.AppendData(buffer, 0, n);
                total += n;
            }
        }

        Assert.Equal(Size, total);
        Assert.Equal(written.GetHashAndReset(), read.GetHashAndReset());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("")]
    public async Task Paths_that_climb_out_or_are_malformed_are_refused(string path)
    {
        IBlobStore store = NewStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(path, new MemoryStream([1]), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenReadAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task The_planner_writes_batch_files_into_the_blob_store_under_their_batch_ids()
    {
        IBlobStore store = NewStore();
        using var sink = new BlobBatchFileSink(store, "batches/lines");
        var items = Enumerable.Range(0, 30).Select(i => new CorpusItem($"i{i}", $"line {i}")).ToAsyncEnumerable();
        BatchPlan plan = await new EmbeddingBatchPlanner(new EmbeddingPlanSettings("lines", EmbeddingTarget.Create("text-embedding-3-small"), ProviderProfile.OpenAI with { MaxRequestsPerBatch = 10 }))
            .PlanAsync(items, sink);
        Assert.Equal(3, plan.Batches.Count);
        foreach (PlannedBatch b in plan.Batches)
        {
            Assert.Equal($"batches/lines/{b.BatchId}.jsonl", b.Path);
            await using Stream s = await store.OpenReadAsync(b.Path, CancellationToken.None);
            long n = 0;
            var buffer = new byte[8192];
            int r;
            while ((r = await s.ReadAsync(buffer)) > 0)
            {
                n += r;
            }

            Assert.Equal(b.Bytes, n);
        }
    }

    private static async Task<List<BlobInfo>> ListAsync(IBlobStore store, string prefix)
    {
        var list = new List<BlobInfo>();
        await foreach (BlobInfo b in store.ListAsync(prefix, CancellationToken.None))
        {
            list.Add(b);
        }

        return list;
    }

    private static async Task<List<string>> PathsAsync(IBlobStore store, string prefix) => [.. (await ListAsync(store, prefix)).Select(b => b.Path)];
}

/// <summary>The embedded adapter: files under a directory.</summary>
public sealed class FileSystemBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blobs-").FullName;

    protected override IBlobStore NewStore() => new FileSystemBlobStore(Path.Combine(_root, Guid.NewGuid().ToString("N")));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>The Azure adapter on Azurite: a fresh container per test.</summary>
public sealed class AzureBlobStoreTests(AzuriteServer azurite) : BlobStoreContract, IClassFixture<AzuriteServer>
{
    protected override IBlobStore NewStore() => AzureBlobStore.FromConnectionString(azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N"));
}
