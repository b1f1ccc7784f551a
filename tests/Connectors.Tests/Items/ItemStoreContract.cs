using System.Text;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;

namespace BatchEmbed.Connectors.Tests.Items;

/// <summary>What every <see cref="IItemStore"/> must do; run against each adapter by a subclass.</summary>
public abstract class ItemStoreContract
{
    private IItemStore? _store;

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract IItemStore NewStore();

    /// <summary>A second instance over the storage of the last <see cref="NewStore"/> (another process, or a restart).</summary>
    protected abstract IItemStore SameStore();

    private IItemStore Store => _store ??= NewStore();

    [Fact]
    public async Task Import_upserts_by_id_and_resets_the_status_only_when_the_text_changes()
    {
        Assert.Equal(new ImportResult(3, 0, 0), await Import(("a", "one"), ("b", "two"), ("c", "three")));
        await Store.MarkPendingAsync("lines", ["a", "b", "c"], "batch-1", CancellationToken.None);
        await Store.MarkSucceededAsync("lines", Chunks("a", "b", "c"), "batch-1", "fp1", CancellationToken.None);

        // same text (after normalisation), changed text, new item
        Assert.Equal(new ImportResult(1, 1, 1), await Import(("a", "one\r\n"), ("b", "TWO"), ("d", "four")));
        Assert.Equal(ItemStatus.Succeeded, (await Get("a")).Status);
        StoredItem b = await Get("b");
        Assert.Equal((ItemStatus.None, "TWO", null), (b.Status, b.Text, b.BatchId));
        Assert.Equal(Counts(none: 2, succeeded: 2), await CountsAsync());

        // a changed group key or metadata is an update that keeps the status
        var changed = new CorpusItem("a", "one", "img/2", """{"k":1}""");
        Assert.Equal(new ImportResult(0, 1, 0), await Store.ImportAsync("lines", new[] { changed }.ToAsyncEnumerable(), CancellationToken.None));
        StoredItem a = await Get("a");
        Assert.Equal((ItemStatus.Succeeded, "img/2", """{"k":1}"""), (a.Status, a.GroupKey, a.MetadataJson));
        Assert.Equal(["lines"], await Store.CollectionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Find_unembedded_pages_by_keyset_and_includes_items_of_another_fingerprint()
    {
        await Import(Enumerable.Range(0, 25).Select(i => ($"id{i:D2}", $"text {i}")).ToArray());
        await Store.MarkPendingAsync("lines", ["id00", "id01", "id02"], "b1", CancellationToken.None);
        await Store.MarkSucceededAsync("lines", Chunks("id00", "id01"), "b1", "fp-old", CancellationToken.None);
        await Store.MarkPendingAsync("lines", ["id03"], "b2", CancellationToken.None);
        await Store.MarkSucceededAsync("lines", Chunks("id03"), "b2", "fp-new", CancellationToken.None);

        // id00/id01: embedded by another model (re-embed); id02: pending (in flight); id03: done with this fingerprint.
        string[] expected = [.. new[] { "id00", "id01" }.Concat(Enumerable.Range(4, 21).Select(i => $"id{i:D2}"))];
        Assert.Equal(expected, await FindAllAsync("fp-new", 10));
        Assert.Equal(expected, await FindAllAsync("fp-new", 1));
        Assert.Equal(Enumerable.Range(0, 25).Where(i => i != 2).Select(i => $"id{i:D2}"), await FindAllAsync("fp-other", 7));

        StoredItem first = (await Store.FindUnembeddedAsync("lines", "fp-new", null, 1, CancellationToken.None)).Items[0];
        Assert.Equal(("id00", "text 0", "img/1", ItemStatus.Succeeded, "fp-old"), (first.Id, first.Text, first.GroupKey, first.Status, first.Fingerprint));
    }

    [Fact]
    public async Task Page_unembedded_splits_the_work_into_id_ranges_that_find_unembedded_reads_back()
    {
        await Import(Enumerable.Range(0, 23).Select(i => ($"k{i:D3}", $"text {i}")).ToArray());
        await Store.MarkPendingAsync("lines", ["k005"], "b1", CancellationToken.None);

        IReadOnlyList<ItemRange> ranges = await Store.PageUnembeddedAsync("lines", "fp", 5, null, CancellationToken.None);
        Assert.Equal([5, 5, 5, 5, 2], ranges.Select(r => r.Count));
        Assert.Equal((null, "k004"), (ranges[0].AfterId, ranges[0].LastId));
        Assert.Equal(("k004", "k010"), (ranges[1].AfterId, ranges[1].LastId)); // k005 is in flight
        var read = new List<string>();
        foreach (ItemRange r in ranges)
        {
            ItemPage page = await Store.FindUnembeddedAsync("lines", "fp", r.AfterId, r.Count, CancellationToken.None);
            Assert.Equal(r.LastId, page.Items[^1].Id);
            read.AddRange(page.Items.Select(i => i.Id));
        }

        Assert.Equal(22, read.Distinct().Count());
        IReadOnlyList<ItemRange> capped = await Store.PageUnembeddedAsync("lines", "fp", 5, 7, CancellationToken.None);
        Assert.Equal([5, 2], capped.Select(r => r.Count));
        Assert.Empty(await Store.PageUnembeddedAsync("other", "fp", 5, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_stale_batch_never_overwrites_and_claims_are_exclusive()
    {
        await Import(("a", "one"));
        Assert.Equal(1, await Store.MarkPendingAsync("lines", ["a"], "old", CancellationToken.None));
        Assert.Equal(0, await Store.MarkPendingAsync("lines", ["a"], "other", CancellationToken.None));
        Assert.Equal(1, await Store.MarkPendingAsync("lines", ["a"], "old", CancellationToken.None)); // idempotent retry

        await Import(("a", "changed"));                       // text changed: back to None, claim dropped
        Assert.Equal(1, await Store.MarkPendingAsync("lines", ["a"], "new", CancellationToken.None));
        Assert.Equal(0, await Store.MarkSucceededAsync("lines", Chunks("a"), "old", "fp", CancellationToken.None));
        Assert.Equal(ItemStatus.Pending, (await Get("a")).Status);
        Assert.Equal(1, await Store.MarkSucceededAsync("lines", Chunks("a"), "new", "fp", CancellationToken.None));
        Assert.Equal(1, await Store.MarkSucceededAsync("lines", Chunks("a"), "new", "fp", CancellationToken.None)); // idempotent retry
        Assert.Equal(0, await Store.MarkPendingAsync("lines", ["missing"], "new", CancellationToken.None));
    }

    [Fact]
    public async Task Claimed_by_and_previous_chunks_see_only_the_items_a_batch_still_holds()
    {
        await Import(("a", "one"), ("b", "two"), ("c", "three"));
        await Store.MarkPendingAsync("lines", ["a", "b"], "b1", CancellationToken.None);
        await Store.MarkSucceededAsync("lines", new Dictionary<string, int> { ["a"] = 3, ["b"] = 2 }, "b1", "fp", CancellationToken.None);
        Assert.Equal(3, await Store.MarkPendingAsync("lines", ["a", "b", "c"], "b2", CancellationToken.None));

        Assert.Equal(["a", "b", "c"], (await Store.ClaimedByAsync("lines", ["a", "b", "c", "nope"], "b2", CancellationToken.None)).Order(StringComparer.Ordinal));
        Assert.Empty(await Store.ClaimedByAsync("lines", ["a"], "b1", CancellationToken.None));
        IReadOnlyDictionary<string, int> before = await Store.PreviousChunksAsync("lines", ["a", "b", "c"], "b2", "fp", CancellationToken.None);
        Assert.Equal([("a", 3), ("b", 2)], before.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)));
        Assert.Empty(await Store.PreviousChunksAsync("lines", ["a", "b"], "b2", "fp-other", CancellationToken.None));
    }

    [Fact]
    public async Task Requeue_returns_items_to_none_until_max_attempts_then_fails_them_with_the_reason()
    {
        await Import(("a", "one"), ("b", "two"));
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            await Store.MarkPendingAsync("lines", ["a"], $"b{attempt}", CancellationToken.None);
            (int requeued, int failed) = await Store.RequeueAsync("lines", ["a", "b"], $"b{attempt}", "batch_expired", 3, CancellationToken.None);
            Assert.Equal(attempt < 3 ? (1, 0) : (0, 1), (requeued, failed));
        }

        StoredItem a = await Get("a");
        Assert.Equal((ItemStatus.Failed, 3, "batch_expired", null), (a.Status, a.Attempts, a.LastError, a.BatchId));
        Assert.Equal(0, await Store.MarkPendingAsync("lines", ["a"], "b4", CancellationToken.None));
        Assert.DoesNotContain("a", await FindAllAsync("fp", 10));
        Assert.Equal(Counts(none: 1, failed: 1), await CountsAsync());

        Assert.Equal(1, await Store.ResetStatusesAsync("lines", CancellationToken.None));
        a = await Get("a");
        Assert.Equal((ItemStatus.None, 0, null), (a.Status, a.Attempts, a.LastError));
        Assert.Equal(Counts(none: 2), await CountsAsync());
        Assert.Equal(0, await Store.ResetStatusesAsync("lines", CancellationToken.None));
    }

    [Fact]
    public async Task Answers_settle_only_the_items_a_batch_still_holds_and_a_new_fingerprint_asks_again()
    {
        await Import(("a", "one"), ("b", "two"), ("c", "three"));
        await Store.MarkPendingAsync("lines", ["a", "b"], "b1", CancellationToken.None);
        await Store.MarkPendingAsync("lines", ["c"], "b2", CancellationToken.None);
        var answers = new Dictionary<string, string> { ["a"] = """{"verdict":"valid"}""", ["b"] = """{"verdict":"invalid"}""", ["c"] = "{}" };

        Assert.Equal(2, await Store.MarkAnsweredAsync("lines", answers, "b1", "prompt-v1", CancellationToken.None));
        StoredItem a = await Get("a");
        Assert.Equal((ItemStatus.Succeeded, "prompt-v1", """{"verdict":"valid"}""", null), (a.Status, a.Fingerprint, a.Outcome, a.LastError));
        Assert.Equal((ItemStatus.Pending, null), ((await Get("c")).Status, (await Get("c")).Outcome));
        Assert.Empty(await FindAllAsync("prompt-v1", 10));
        Assert.Equal(["a", "b"], await FindAllAsync("prompt-v2", 10));

        // A later answer replaces the earlier one; the reopened store reads it back.
        await Store.MarkPendingAsync("lines", ["a"], "b3", CancellationToken.None);
        Assert.Equal(1, await Store.MarkAnsweredAsync("lines", new Dictionary<string, string> { ["a"] = """{"verdict":"needs_review"}""" }, "b3", "prompt-v2", CancellationToken.None));
        Assert.Equal("""{"verdict":"needs_review"}""", (await SameStore().GetAsync("lines", "a", CancellationToken.None))!.Outcome);
    }

    [Fact]
    public async Task List_pages_every_item_under_a_prefix_in_id_order_whatever_its_status()
    {
        string[] ids = ["img/1", "img/1/1", "img/1/1/1", "img/1/1/2", "img/1/10/1", "img/1/2/1", "img/10/1/1", "img/1/é", "img/2/1/1", "imh"];
        await Store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "text of " + id)).ToAsyncEnumerable(), CancellationToken.None);
        await Store.MarkPendingAsync("lines", ["img/1/1/2"], "b1", CancellationToken.None);
        await Store.RequeueAsync("lines", ["img/1/1/2"], "b1", "gone", 1, CancellationToken.None);

        Assert.Equal(["img/1/1", "img/1/1/1", "img/1/1/2", "img/1/10/1", "img/1/2/1", "img/1/é"], await ListAllAsync("img/1/", 4));
        Assert.Equal(["img/1/1", "img/1/1/1", "img/1/1/2", "img/1/10/1", "img/1/2/1", "img/1/é"], await ListAllAsync("img/1/", 1));
        Assert.Equal([.. ids.OrderBy(i => Encoding.UTF8.GetBytes(i), ByteOrder.Instance)], await ListAllAsync(string.Empty, 3));
        Assert.Empty(await ListAllAsync("img/3/", 5));

        // A cursor before the prefix starts at the prefix; one inside it resumes after it.
        ItemPage resumed = await Store.ListAsync("lines", "img/1/", "img/1/10/1", 10, CancellationToken.None);
        Assert.Equal(["img/1/2/1", "img/1/é"], resumed.Items.Select(i => i.Id));
        Assert.Null(resumed.NextCursor);
        ItemPage early = await Store.ListAsync("lines", "img/1/1/", "a", 10, CancellationToken.None);
        Assert.Equal(["img/1/1/1", "img/1/1/2"], early.Items.Select(i => i.Id));
        Assert.Equal((ItemStatus.Failed, "gone"), (early.Items[1].Status, early.Items[1].LastError));
    }

    [Fact]
    public async Task Reset_puts_every_item_back_to_none_whatever_its_state()
    {
        await Import(Enumerable.Range(0, 30).Select(i => ($"r{i:D2}", $"text {i}")).ToArray());
        await Store.MarkPendingAsync("lines", [.. Enumerable.Range(0, 20).Select(i => $"r{i:D2}")], "b1", CancellationToken.None);
        await Store.MarkSucceededAsync("lines", Chunks([.. Enumerable.Range(0, 10).Select(i => $"r{i:D2}")]), "b1", "fp", CancellationToken.None);
        Assert.Equal(Counts(none: 10, pending: 10, succeeded: 10), await CountsAsync());

        Assert.Equal(20, await Store.ResetStatusesAsync("lines", CancellationToken.None));
        Assert.Equal(Counts(none: 30), await CountsAsync());
        Assert.Equal(30, (await FindAllAsync("fp", 8)).Count);
    }

    [Fact]
    public async Task A_migrations_shadow_collection_is_tracked_apart_then_adopted_and_deleted()
    {
        const string shadow = "lines~to-256";
        (string, string)[] items = [.. Enumerable.Range(0, 12).Select(i => ($"m{i:D2}", $"text {i}"))];
        await Import(items);
        await Store.ImportAsync(shadow, items.Select(i => new CorpusItem(i.Item1, i.Item2)).ToAsyncEnumerable(), CancellationToken.None);
        string[] ids = [.. items.Select(i => i.Item1)];

        // The shadow's items settle on their own: 8 embedded under the target, 4 given up, then sent back by retry-failed.
        await Store.MarkPendingAsync(shadow, ids, "mb1", CancellationToken.None);
        await Store.MarkSucceededAsync(shadow, ids.Take(8).ToDictionary(id => id, _ => 2), "mb1", "fp-target", CancellationToken.None);
        await Store.RequeueAsync(shadow, ids[8..], "mb1", "server_error", 1, CancellationToken.None);
        Assert.Equal(Counts(none: 12), await CountsAsync());
        Assert.Equal(4, (await Store.CountByStatusAsync(shadow, CancellationToken.None))[ItemStatus.Failed]);
        Assert.Equal(4, await Store.ResetFailedAsync(shadow, CancellationToken.None));
        StoredItem retried = (await Store.GetAsync(shadow, ids[8], CancellationToken.None))!;
        Assert.Equal((ItemStatus.None, 0, "server_error"), (retried.Status, retried.Attempts, retried.LastError));
        Assert.Equal(0, await Store.ResetFailedAsync(shadow, CancellationToken.None));

        // Adoption: embedded shadow items whose source text is unchanged (and not claimed) become the source's.
        await Store.ImportAsync("lines", new[] { new CorpusItem("m01", "changed since") }.ToAsyncEnumerable(), CancellationToken.None);
        await Store.MarkPendingAsync("lines", ["m02"], "live", CancellationToken.None);
        List<StoredItem> embedded = [.. (await Store.ListAsync(shadow, string.Empty, null, 100, CancellationToken.None)).Items];
        Assert.Equal(2, embedded.First(i => i.Id == "m00").Chunks);
        Assert.Equal(6, await Store.AdoptAsync("lines", embedded, CancellationToken.None)); // m00, m03-m07: not m01 (changed), m02 (in flight), m08-m11 (not embedded)
        StoredItem adopted = await Get("m00");
        Assert.Equal((ItemStatus.Succeeded, "fp-target", "mb1", 2), (adopted.Status, adopted.Fingerprint, adopted.BatchId, adopted.Chunks));
        Assert.Equal(ItemStatus.None, (await Get("m01")).Status);
        Assert.Equal(ItemStatus.Pending, (await Get("m02")).Status);
        Assert.Equal(0, await Store.AdoptAsync("lines", embedded, CancellationToken.None)); // again: nothing changes

        Assert.Equal(12, await Store.DeleteCollectionAsync(shadow, CancellationToken.None));
        Assert.Equal(0, (await Store.CountByStatusAsync(shadow, CancellationToken.None)).Values.Sum());
        Assert.Empty((await Store.ListAsync(shadow, string.Empty, null, 100, CancellationToken.None)).Items);
        Assert.Equal(12, (await CountsAsync()).Values.Sum());
    }

    [Fact]
    public async Task Ids_of_any_characters_sort_by_their_utf8_bytes_and_round_trip()
    {
        string longest = new string('z', CorpusItem.MaxIdBytes - 4) + "😀";
        string[] ids = ["a/b", "a#b", "a?b", "a\\b", "a b", "a%2F", "A", "é", "ü", "中文", "😀", "~tilde", "-dash", "_under", longest, "a", "ab", "a\u007f"];
        await Store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "text of " + id)).ToAsyncEnumerable(), CancellationToken.None);

        string[] byBytes = [.. ids.OrderBy(id => Encoding.UTF8.GetBytes(id), ByteOrder.Instance)];
        Assert.Equal(byBytes, await FindAllAsync("fp", 4));
        foreach (string id in ids)
        {
            Assert.Equal("text of " + id, (await Get(id)).Text);
        }

        IReadOnlyList<ItemRange> ranges = await Store.PageUnembeddedAsync("lines", "fp", 5, null, CancellationToken.None);
        Assert.Equal(byBytes[4], ranges[0].LastId);
        Assert.Null(await Store.GetAsync("lines", "a/", CancellationToken.None));
    }

    [Fact]
    public async Task A_text_at_the_size_limit_round_trips_whole()
    {
        var sb = new StringBuilder();
        while (sb.Length < CorpusItem.MaxTextLength - 2)
        {
            sb.Append("receipt 😀 total ");
        }

        string text = sb.ToString()[..(CorpusItem.MaxTextLength - 2)].TrimEnd('\ud83d') + "ok";
        string metadata = "{\"note\":\"" + new string('m', CorpusItem.MaxMetadataLength - 20) + "\"}";
        await Store.ImportAsync("lines", new[] { new CorpusItem("big", text, "g", metadata), new CorpusItem("small", "x") }.ToAsyncEnumerable(), CancellationToken.None);

        StoredItem big = await Get("big");
        Assert.Equal(text, big.Text);
        Assert.Equal(metadata, big.MetadataJson);
        Assert.Equal(["big", "small"], (await Store.FindUnembeddedAsync("lines", "fp", null, 10, CancellationToken.None)).Items.Select(i => i.Id));
        Assert.Equal(new ImportResult(0, 0, 1), await Store.ImportAsync("lines", new[] { new CorpusItem("big", text, "g", metadata) }.ToAsyncEnumerable(), CancellationToken.None));
    }

    [Fact]
    public async Task Thousands_of_items_move_through_every_status_with_the_counts_kept()
    {
        const int n = 5_000;
        string[] ids = [.. Enumerable.Range(0, n).Select(i => $"item-{i:D5}")];
        Assert.Equal(new ImportResult(n, 0, 0), await Store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "text " + id, "g")).ToAsyncEnumerable(), CancellationToken.None));
        Assert.Equal(n, await Store.MarkPendingAsync("lines", ids, "b1", CancellationToken.None));
        Assert.Equal(3_000, await Store.MarkSucceededAsync("lines", Chunks(ids[..3_000]), "b1", "fp", CancellationToken.None));
        Assert.Equal((2_000, 0), await Store.RequeueAsync("lines", ids[3_000..], "b1", "line_error", 3, CancellationToken.None));

        Assert.Equal(Counts(none: 2_000, succeeded: 3_000), await CountsAsync());
        Assert.Equal(ids[3_000..], await FindAllAsync("fp", 700));
        IReadOnlyList<ItemRange> ranges = await Store.PageUnembeddedAsync("lines", "fp", 1_000, null, CancellationToken.None);
        Assert.Equal(((string?)null, ids[3_999], 1_000), (ranges[0].AfterId, ranges[0].LastId, ranges[0].Count));
    }

    [Fact]
    public async Task Items_scattered_among_many_others_are_found_and_changed_one_and_all()
    {
        string[] ids = [.. Enumerable.Range(0, 3_000).Select(i => $"s{i:D5}")];
        await Store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "t " + id)).ToAsyncEnumerable(), CancellationToken.None);
        string[] every10th = [.. ids.Where((_, i) => i % 10 == 7).Reverse()]; // sparse, and out of order
        Assert.Equal(every10th.Length, await Store.MarkPendingAsync("lines", every10th, "sparse", CancellationToken.None));
        Assert.Equal(every10th.Length, (await Store.ClaimedByAsync("lines", every10th, "sparse", CancellationToken.None)).Count);
        Assert.Equal(Counts(none: 2_700, pending: 300), await CountsAsync());

        // A re-import of everything with a few texts changed: the unchanged ones are left as they are.
        var again = ids.Select((id, i) => new CorpusItem(id, i % 500 == 0 ? "changed " + id : "t " + id)).ToList();
        Assert.Equal(new ImportResult(0, 6, 2_994), await Store.ImportAsync("lines", again.ToAsyncEnumerable(), CancellationToken.None));
    }

    [Fact]
    public async Task Two_instances_claiming_the_same_items_at_once_each_get_a_share_and_no_item_is_claimed_twice()
    {
        IItemStore other = SameStore();
        const int rounds = 4, n = 600;
        for (int round = 0; round < rounds; round++)
        {
            string[] ids = [.. Enumerable.Range(0, n).Select(i => $"r{round}-c{i:D4}")];
            await Store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "t " + id)).ToAsyncEnumerable(), CancellationToken.None);
            using var start = new Barrier(2);
            int[] claimed = await Task.WhenAll(
                Task.Run(() => { start.SignalAndWait(); return Store.MarkPendingAsync("lines", ids, $"left{round}", CancellationToken.None); }),
                Task.Run(() => { start.SignalAndWait(); return other.MarkPendingAsync("lines", [.. ids.Reverse()], $"right{round}", CancellationToken.None); }));

            Assert.Equal(ids.Length, claimed.Sum());
            IReadOnlySet<string> left = await Store.ClaimedByAsync("lines", ids, $"left{round}", CancellationToken.None);
            IReadOnlySet<string> right = await other.ClaimedByAsync("lines", ids, $"right{round}", CancellationToken.None);
            Assert.Equal((claimed[0], claimed[1]), (left.Count, right.Count));
            Assert.Empty(left.Intersect(right));
        }

        Assert.Equal(Counts(pending: rounds * n), await CountsAsync());
        Assert.Equal(Counts(pending: rounds * n), (await other.CountByStatusAsync("lines", CancellationToken.None)).ToDictionary());
    }

    [Fact]
    public async Task Another_instance_over_the_same_storage_sees_the_same_items()
    {
        await Import(("a", "one"));
        await Store.MarkPendingAsync("lines", ["a"], "b1", CancellationToken.None);
        IItemStore reopened = SameStore();
        StoredItem a = (await reopened.GetAsync("lines", "a", CancellationToken.None))!;
        Assert.Equal(("one", ItemStatus.Pending, "b1"), (a.Text, a.Status, a.BatchId));
        Assert.Equal(["lines"], await reopened.CollectionsAsync(CancellationToken.None));
    }

    private Task<ImportResult> Import(params (string Id, string Text)[] items) =>
        Store.ImportAsync("lines", items.Select(i => new CorpusItem(i.Id, i.Text, "img/1")).ToAsyncEnumerable(), CancellationToken.None);

    private async Task<StoredItem> Get(string id) => (await Store.GetAsync("lines", id, CancellationToken.None)) ?? throw new InvalidOperationException($"no item {id}");

    private Task<List<string>> FindAllAsync(string fingerprint, int pageSize) =>
        AllPagesAsync(cursor => Store.FindUnembeddedAsync("lines", fingerprint, cursor, pageSize, CancellationToken.None));

    private Task<List<string>> ListAllAsync(string prefix, int pageSize) =>
        AllPagesAsync(cursor => Store.ListAsync("lines", prefix, cursor, pageSize, CancellationToken.None));

    /// <summary>The ids of every page, following each page's cursor to the end.</summary>
    private static async Task<List<string>> AllPagesAsync(Func<string?, Task<ItemPage>> page)
    {
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            ItemPage next = await page(cursor);
            seen.AddRange(next.Items.Select(i => i.Id));
            cursor = next.NextCursor;
        }
        while (cursor is not null);
        return seen;
    }

    private async Task<Dictionary<ItemStatus, long>> CountsAsync() => (await Store.CountByStatusAsync("lines", CancellationToken.None)).ToDictionary();

    private static Dictionary<ItemStatus, long> Counts(long none = 0, long pending = 0, long succeeded = 0, long failed = 0) => new()
    {
        [ItemStatus.None] = none,
        [ItemStatus.Pending] = pending,
        [ItemStatus.Succeeded] = succeeded,
        [ItemStatus.Failed] = failed,
    };

    private static Dictionary<string, int> Chunks(params string[] ids) => ids.ToDictionary(id => id, _ => 1);

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
