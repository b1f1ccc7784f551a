using System.Numerics.Tensors;
using BatchEmbed.Connectors.Vectors;

namespace BatchEmbed.Connectors.Tests;

public sealed class EmbeddedVectorStoreTests : IDisposable
{
    private const int Dims = 32;
    private readonly string _root = Directory.CreateTempSubdirectory("vectors-").FullName;
    private readonly Random _random = new(17);

    [Fact]
    public async Task Search_is_exact_top_k_over_snapshot_and_unmerged_deltas_with_replacements_and_tombstones()
    {
        using var store = new EmbeddedVectorStore(_root);
        var truth = new Dictionary<string, float[]>();
        await Write(store, truth, Enumerable.Range(0, 300).Select(i => $"k{i}"));
        await store.CompactAsync("lines", CancellationToken.None);
        await Write(store, truth, Enumerable.Range(250, 100).Select(i => $"k{i}"));   // 50 replacements, 50 new
        await store.WriteDeltaAsync("lines", [], ["k3", "k260", "nope"], CancellationToken.None);
        truth.Remove("k3");
        truth.Remove("k260");

        for (int q = 0; q < 10; q++)
        {
            float[] query = RandomVector();
            Assert.Equal(BruteForce(truth, query, 7), (await store.SearchAsync("lines", query, 7, CancellationToken.None)).Select(h => h.Key));
        }

        VectorIndexStats stats = await store.GetStatsAsync("lines", CancellationToken.None);
        Assert.Equal((truth.Count, 2, 1), ((int)stats.Vectors, stats.PendingDeltas, stats.SnapshotVersion));

        CompactionResult result = await store.CompactAsync("lines", CancellationToken.None);
        Assert.Equal((2, truth.Count, 2), (result.SnapshotVersion, (int)result.Vectors, result.DeltasMerged));
        float[] again = RandomVector();
        Assert.Equal(BruteForce(truth, again, 5), (await store.SearchAsync("lines", again, 5, CancellationToken.None)).Select(h => h.Key));
        Assert.Equal(new[] { "manifest.json", "snapshot-000002.bin" }, Directory.GetFiles(Path.Combine(_root, "lines")).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("snapshot-written")]
    [InlineData("manifest-swapped")]
    public async Task A_crash_at_any_point_of_compaction_leaves_the_old_or_the_new_state_never_a_mix(string failPoint)
    {
        using (var store = new EmbeddedVectorStore(_root))
        {
            var truth = new Dictionary<string, float[]>();
            await Write(store, truth, Enumerable.Range(0, 100).Select(i => $"k{i}"));
            await store.CompactAsync("lines", CancellationToken.None);
            await Write(store, truth, Enumerable.Range(50, 100).Select(i => $"k{i}"));
            float[] query = RandomVector();
            string[] expected = BruteForce(truth, query, 10);

            store.FailPoint = p =>
            {
                if (p == failPoint)
                {
                    throw new IOException("simulated crash at " + p);
                }
            };
            await Assert.ThrowsAsync<IOException>(() => store.CompactAsync("lines", CancellationToken.None));
            store.FailPoint = null;

            // A new process opens the directory as the crash left it.
            using var reopened = new EmbeddedVectorStore(_root);
            Assert.Equal(expected, (await reopened.SearchAsync("lines", query, 10, CancellationToken.None)).Select(h => h.Key));
            Assert.Equal(150, (await reopened.GetStatsAsync("lines", CancellationToken.None)).Vectors);
            await reopened.CompactAsync("lines", CancellationToken.None);
            Assert.Equal(expected, (await reopened.SearchAsync("lines", query, 10, CancellationToken.None)).Select(h => h.Key));
            Assert.Equal(2, Directory.GetFiles(Path.Combine(_root, "lines")).Length); // manifest + one snapshot: orphans removed
        }
    }

    [Fact]
    public async Task Aliases_switch_searches_between_physical_indexes_atomically()
    {
        using var store = new EmbeddedVectorStore(_root);
        float[] v = RandomVector();
        await store.WriteDeltaAsync("lines.v1", [new VectorRecord("blue", v)], [], CancellationToken.None);
        await store.WriteDeltaAsync("lines.v2", [new VectorRecord("green", v)], [], CancellationToken.None);
        await store.SetAliasAsync("lines", "lines.v1", CancellationToken.None);
        Assert.Equal("blue", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        await store.SetAliasAsync("lines", "lines.v2", CancellationToken.None);
        Assert.Equal("green", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal("lines.v2", await new EmbeddedVectorStore(_root).ResolveAsync("lines", CancellationToken.None));
    }

    [Fact]
    public async Task Wrong_dimensions_and_bad_names_are_refused()
    {
        using var store = new EmbeddedVectorStore(_root);
        await store.WriteDeltaAsync("lines", [new VectorRecord("a", RandomVector())], [], CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteDeltaAsync("lines", [new VectorRecord("b", new float[Dims + 1])], [], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync("lines", new float[3], 1, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteDeltaAsync("../x", [], [], CancellationToken.None));
        Assert.Empty(await store.SearchAsync("empty-index", new float[3], 1, CancellationToken.None));
    }

    private async Task Write(EmbeddedVectorStore store, Dictionary<string, float[]> truth, IEnumerable<string> keys)
    {
        var records = keys.Select(k => new VectorRecord(k, RandomVector())).ToList();
        foreach (VectorRecord r in records)
        {
            truth[r.Key] = r.Vector;
        }

        await store.WriteDeltaAsync("lines", records, [], CancellationToken.None);
    }

    private static string[] BruteForce(Dictionary<string, float[]> truth, float[] q, int k) =>
        truth.OrderByDescending(kv => TensorPrimitives.CosineSimilarity(kv.Value, q)).Take(k).Select(kv => kv.Key).ToArray();

    private float[] RandomVector() => Enumerable.Range(0, Dims).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray();

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
