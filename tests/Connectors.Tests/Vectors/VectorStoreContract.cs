using System.Numerics.Tensors;
using BatchEmbed.Connectors.Vectors;

namespace BatchEmbed.Connectors.Tests.Vectors;

/// <summary>What the built-in vector index must do wherever its files are kept; run against each place by a subclass.</summary>
public abstract class VectorStoreContract : IDisposable
{
    private const int Dims = 32;
    private readonly Random _random = new(17);
    private readonly List<EmbeddedVectorStore> _opened = [];

    /// <summary>A store over fresh, empty storage for one test; files no manifest names are deleted after <paramref name="orphanGrace"/>.</summary>
    protected abstract EmbeddedVectorStore CreateStore(TimeSpan? orphanGrace = null);

    /// <summary>Another store over the same storage, as another process (or a restart) would open it.</summary>
    protected abstract EmbeddedVectorStore CreateSameStore();

    /// <summary>The names of the files kept for an index, in order.</summary>
    protected abstract Task<IReadOnlyList<string>> FilesAsync(string index);

    private EmbeddedVectorStore NewStore(TimeSpan? orphanGrace = null) => Track(CreateStore(orphanGrace));

    private EmbeddedVectorStore SameStore() => Track(CreateSameStore());

    [Fact]
    public async Task Search_is_exact_top_k_over_snapshot_and_unmerged_deltas_with_replacements_and_tombstones()
    {
        EmbeddedVectorStore store = NewStore();
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
        Assert.Equal(BruteForce(truth, again, 5), (await SameStore().SearchAsync("lines", again, 5, CancellationToken.None)).Select(h => h.Key));
        IReadOnlyList<string> files = await FilesAsync("lines");
        Assert.Equal(2, files.Count);
        Assert.Equal("manifest.json", files[0]);
        Assert.StartsWith("snapshot-000002-", files[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("snapshot-written")]
    [InlineData("manifest-swapped")]
    public async Task A_crash_at_any_point_of_compaction_leaves_the_old_or_the_new_state_never_a_mix(string failPoint)
    {
        EmbeddedVectorStore store = NewStore();
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

        // A new process opens the storage as the crash left it.
        EmbeddedVectorStore reopened = SameStore();
        Assert.Equal(expected, (await reopened.SearchAsync("lines", query, 10, CancellationToken.None)).Select(h => h.Key));
        Assert.Equal(150, (await reopened.GetStatsAsync("lines", CancellationToken.None)).Vectors);
        await reopened.CompactAsync("lines", CancellationToken.None);
        Assert.Equal(expected, (await reopened.SearchAsync("lines", query, 10, CancellationToken.None)).Select(h => h.Key));
        Assert.Equal(expected, (await store.SearchAsync("lines", query, 10, CancellationToken.None)).Select(h => h.Key));
    }

    [Fact]
    public async Task Files_a_crash_left_are_deleted_once_past_the_grace_period_and_kept_before()
    {
        foreach (TimeSpan grace in new[] { TimeSpan.FromMinutes(15), TimeSpan.Zero })
        {
            EmbeddedVectorStore store = NewStore(grace);
            await Write(store, [], Enumerable.Range(0, 10).Select(i => $"k{i}"));
            store.FailPoint = p => throw new IOException("simulated crash at " + p);
            await Assert.ThrowsAsync<IOException>(() => store.CompactAsync("lines", CancellationToken.None)); // leaves a snapshot no manifest names
            store.FailPoint = null;
            Assert.Equal(3, (await FilesAsync("lines")).Count);

            await store.CompactAsync("lines", CancellationToken.None);
            IReadOnlyList<string> files = await FilesAsync("lines");
            Assert.Equal(grace == TimeSpan.Zero ? 2 : 3, files.Count); // manifest and the new snapshot (and, within the grace, the crash's)
            Assert.Equal(10, (await store.GetStatsAsync("lines", CancellationToken.None)).Vectors);
        }
    }

    [Fact]
    public async Task Aliases_switch_searches_between_physical_indexes_atomically()
    {
        EmbeddedVectorStore store = NewStore();
        float[] v = RandomVector();
        await store.WriteDeltaAsync("lines.v1", [new VectorRecord("blue", v)], [], CancellationToken.None);
        await store.WriteDeltaAsync("lines.v2", [new VectorRecord("green", v)], [], CancellationToken.None);
        await store.SetAliasAsync("lines", "lines.v1", CancellationToken.None);
        Assert.Equal("blue", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        await store.SetAliasAsync("lines", "lines.v2", CancellationToken.None);
        Assert.Equal("green", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal("lines.v2", await SameStore().ResolveAsync("lines", CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_an_index_empties_it_and_is_refused_while_an_alias_names_it()
    {
        EmbeddedVectorStore store = NewStore();
        float[] v = RandomVector();
        await store.WriteDeltaAsync("lines.v1", [new VectorRecord("a", v), new VectorRecord("b", RandomVector())], [], CancellationToken.None);
        await store.CompactAsync("lines.v1", CancellationToken.None);
        await store.WriteDeltaAsync("lines.v1", [new VectorRecord("c", RandomVector())], [], CancellationToken.None);
        await store.WriteDeltaAsync("lines.v2", [new VectorRecord("a", v)], [], CancellationToken.None);
        await store.SetAliasAsync("lines", "lines.v1", CancellationToken.None);

        InvalidOperationException inUse = await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteIndexAsync("lines.v1", CancellationToken.None));
        Assert.Contains("alias 'lines'", inUse.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.DeleteIndexAsync("lines", CancellationToken.None));

        await store.SetAliasAsync("lines", "lines.v2", CancellationToken.None);
        Assert.Equal(3, await store.DeleteIndexAsync("lines.v1", CancellationToken.None));
        Assert.Equal(0, (await SameStore().GetStatsAsync("lines.v1", CancellationToken.None)).Vectors);
        Assert.Empty(await store.SearchAsync("lines.v1", v, 1, CancellationToken.None));
        Assert.Equal(["manifest.json"], (await FilesAsync("lines.v1")).Select(Path.GetFileName));
        Assert.Equal("a", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal(0, await store.DeleteIndexAsync("lines.v1", CancellationToken.None)); // again: nothing left
    }

    [Fact]
    public async Task Wrong_dimensions_and_bad_names_are_refused()
    {
        EmbeddedVectorStore store = NewStore();
        await store.WriteDeltaAsync("lines", [new VectorRecord("a", RandomVector())], [], CancellationToken.None);
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteDeltaAsync("lines", [new VectorRecord("b", new float[Dims + 1])], [], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.SearchAsync("lines", new float[3], 1, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteDeltaAsync("../x", [], [], CancellationToken.None));
        Assert.Empty(await store.SearchAsync("empty-index", new float[3], 1, CancellationToken.None));
    }

    [Fact]
    public async Task Tombstones_written_before_any_vector_do_not_break_the_index()
    {
        EmbeddedVectorStore store = NewStore();
        await store.WriteDeltaAsync("lines", [], ["gone"], CancellationToken.None);
        float[] v = RandomVector();
        await store.WriteDeltaAsync("lines", [new VectorRecord("a", v)], [], CancellationToken.None);
        Assert.Equal("a", (await store.SearchAsync("lines", v, 1, CancellationToken.None))[0].Key);
        Assert.Equal(1, (await store.CompactAsync("lines", CancellationToken.None)).Vectors);
    }

    [Fact]
    public async Task Two_instances_writing_and_compacting_at_once_lose_no_delta_and_searches_never_fail()
    {
        EmbeddedVectorStore a = NewStore(), b = SameStore();
        var truth = new Dictionary<string, float[]>();
        var writes = new List<(EmbeddedVectorStore Store, List<VectorRecord> Records)>();
        for (int w = 0; w < 12; w++)
        {
            var records = Enumerable.Range(w * 20, 20).Select(i => new VectorRecord($"k{i}", RandomVector())).ToList();
            records.ForEach(r => truth[r.Key] = r.Vector);
            writes.Add((w % 2 == 0 ? a : b, records));
        }

        float[] query = RandomVector();
        using var done = new CancellationTokenSource();
        Task searching = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await b.SearchAsync("lines", query, 5, CancellationToken.None);
            }
        });
        await Task.WhenAll(writes.Select((w, i) => Task.Run(async () =>
        {
            await w.Store.WriteDeltaAsync("lines", w.Records, [], CancellationToken.None);
            if (i % 4 == 3)
            {
                await (i % 8 == 3 ? a : b).CompactAsync("lines", CancellationToken.None);
            }
        })));
        await done.CancelAsync();
        await searching;

        Assert.Equal(truth.Count, (await a.GetStatsAsync("lines", CancellationToken.None)).Vectors);
        await b.CompactAsync("lines", CancellationToken.None);
        Assert.Equal(truth.Count, (await a.GetStatsAsync("lines", CancellationToken.None)).Vectors);
        Assert.Equal(BruteForce(truth, query, 9), (await a.SearchAsync("lines", query, 9, CancellationToken.None)).Select(h => h.Key));
    }

    private EmbeddedVectorStore Track(EmbeddedVectorStore store)
    {
        _opened.Add(store);
        return store;
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

    public virtual void Dispose()
    {
        _opened.ForEach(s => s.Dispose());
        GC.SuppressFinalize(this);
    }
}
