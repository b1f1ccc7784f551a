using System.Text;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Connectors.Tests;

public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("blobs-").FullName;

    [Fact]
    public async Task Blobs_write_read_list_by_prefix_and_delete()
    {
        var store = new FileSystemBlobStore(_root);
        foreach (string p in new[] { "deltas/lines/0002.bin", "deltas/lines/0001.bin", "deltas/words/0001.bin", "snapshots/lines/v1.bin" })
        {
            await store.WriteAsync(p, new MemoryStream(Encoding.UTF8.GetBytes(p)), CancellationToken.None);
        }

        var listed = new List<string>();
        await foreach (BlobInfo b in store.ListAsync("deltas/lines/", CancellationToken.None))
        {
            listed.Add(b.Path);
        }

        Assert.Equal(["deltas/lines/0001.bin", "deltas/lines/0002.bin"], listed);
        await using (Stream s = await store.OpenReadAsync("snapshots/lines/v1.bin", CancellationToken.None))
        {
            Assert.Equal("snapshots/lines/v1.bin", await new StreamReader(s).ReadToEndAsync());
        }

        Assert.True(await store.DeleteAsync("deltas/lines/0001.bin", CancellationToken.None));
        Assert.False(await store.DeleteAsync("deltas/lines/0001.bin", CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("deltas/lines/0001.bin", CancellationToken.None));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_old_blob_whole_and_no_visible_temp_file()
    {
        var store = new FileSystemBlobStore(_root);
        await store.WriteAsync("manifest.json", new MemoryStream("old"u8.ToArray()), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.WriteAsync("manifest.json", async s =>
        {
            await s.WriteAsync("new but unfinis"u8.ToArray());
            throw new InvalidOperationException("crash");
        }, CancellationToken.None));

        await using (Stream s = await store.OpenReadAsync("manifest.json", CancellationToken.None))
        {
            Assert.Equal("old", await new StreamReader(s).ReadToEndAsync());
        }

        var all = new List<string>();
        await foreach (BlobInfo b in store.ListAsync(string.Empty, CancellationToken.None))
        {
            all.Add(b.Path);
        }

        Assert.Equal(["manifest.json"], all);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("/absolute")]
    [InlineData("a/../../b")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task Paths_that_climb_out_or_are_malformed_are_refused(string path)
    {
        var store = new FileSystemBlobStore(_root);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(path, new MemoryStream([1]), CancellationToken.None));
    }

    [Fact]
    public async Task The_planner_writes_batch_files_into_the_blob_store_under_their_batch_ids()
    {
        var store = new FileSystemBlobStore(_root);
        using var sink = new BlobBatchFileSink(store, "batches/lines");
        var items = Enumerable.Range(0, 30).Select(i => new CorpusItem($"i{i}", $"line {i}")).ToAsyncEnumerable();
        BatchPlan plan = await new EmbeddingBatchPlanner(new EmbeddingPlanSettings("lines", EmbeddingTarget.Create("text-embedding-3-small"), ProviderProfile.OpenAI with { MaxRequestsPerBatch = 10 }))
            .PlanAsync(items, sink);
        Assert.Equal(3, plan.Batches.Count);
        foreach (PlannedBatch b in plan.Batches)
        {
            Assert.Equal($"batches/lines/{b.BatchId}.jsonl", b.Path);
            await using Stream s = await store.OpenReadAsync(b.Path, CancellationToken.None);
            Assert.Equal(b.Bytes, s.Length);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
