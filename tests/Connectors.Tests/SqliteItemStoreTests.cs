using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;

namespace BatchEmbed.Connectors.Tests;

public sealed class SqliteItemStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("items-").FullName;
    private readonly SqliteItemStore _store;

    public SqliteItemStoreTests()
    {
        _store = new SqliteItemStore($"Data Source={Path.Combine(_dir, "items.db")}");
    }

    [Fact]
    public async Task Import_upserts_by_id_and_resets_the_status_only_when_the_text_changes()
    {
        Assert.Equal(new ImportResult(3, 0, 0), await Import(("a", "one"), ("b", "two"), ("c", "three")));
        await _store.MarkPendingAsync("lines", ["a", "b", "c"], "batch-1", CancellationToken.None);
        await _store.MarkSucceededAsync("lines", Chunks("a", "b", "c"), "batch-1", "fp1", CancellationToken.None);

        // same text (after normalisation), changed text, new item
        Assert.Equal(new ImportResult(1, 1, 1), await Import(("a", "one\r\n"), ("b", "TWO"), ("d", "four")));
        Assert.Equal(ItemStatus.Succeeded, (await _store.GetAsync("lines", "a", CancellationToken.None))!.Status);
        StoredItem b = (await _store.GetAsync("lines", "b", CancellationToken.None))!;
        Assert.Equal((ItemStatus.None, "TWO"), (b.Status, b.Text));
        IReadOnlyDictionary<ItemStatus, long> counts = await _store.CountByStatusAsync("lines", CancellationToken.None);
        Assert.Equal(2, counts[ItemStatus.Succeeded]);
        Assert.Equal(2, counts[ItemStatus.None]);
    }

    [Fact]
    public async Task Find_unembedded_pages_by_keyset_and_includes_items_of_another_fingerprint()
    {
        await Import(Enumerable.Range(0, 25).Select(i => ($"id{i:D2}", $"text {i}")).ToArray());
        await _store.MarkPendingAsync("lines", ["id00", "id01", "id02"], "b1", CancellationToken.None);
        await _store.MarkSucceededAsync("lines", Chunks("id00", "id01"), "b1", "fp-old", CancellationToken.None);
        await _store.MarkPendingAsync("lines", ["id03"], "b2", CancellationToken.None);
        await _store.MarkSucceededAsync("lines", Chunks("id03"), "b2", "fp-new", CancellationToken.None);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            ItemPage page = await _store.FindUnembeddedAsync("lines", "fp-new", cursor, 10, CancellationToken.None);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        // id00/id01: embedded by another model (re-embed); id02: pending (in flight); id03: done with this fingerprint.
        Assert.Equal(new[] { "id00", "id01" }.Concat(Enumerable.Range(4, 21).Select(i => $"id{i:D2}")), seen);
    }

    [Fact]
    public async Task A_stale_batch_never_overwrites_and_claims_are_exclusive()
    {
        await Import(("a", "one"));
        Assert.Equal(1, await _store.MarkPendingAsync("lines", ["a"], "old", CancellationToken.None));
        Assert.Equal(0, await _store.MarkPendingAsync("lines", ["a"], "other", CancellationToken.None));
        Assert.Equal(1, await _store.MarkPendingAsync("lines", ["a"], "old", CancellationToken.None)); // idempotent retry

        await Import(("a", "changed"));                       // text changed: back to None, claim dropped
        Assert.Equal(1, await _store.MarkPendingAsync("lines", ["a"], "new", CancellationToken.None));
        Assert.Equal(0, await _store.MarkSucceededAsync("lines", Chunks("a"), "old", "fp", CancellationToken.None));
        Assert.Equal(ItemStatus.Pending, (await _store.GetAsync("lines", "a", CancellationToken.None))!.Status);
        Assert.Equal(1, await _store.MarkSucceededAsync("lines", Chunks("a"), "new", "fp", CancellationToken.None));
    }

    [Fact]
    public async Task Requeue_returns_items_to_none_until_max_attempts_then_fails_them_with_the_reason()
    {
        await Import(("a", "one"));
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            await _store.MarkPendingAsync("lines", ["a"], $"b{attempt}", CancellationToken.None);
            (int requeued, int failed) = await _store.RequeueAsync("lines", ["a"], $"b{attempt}", "batch_expired", 3, CancellationToken.None);
            Assert.Equal(attempt < 3 ? (1, 0) : (0, 1), (requeued, failed));
        }

        StoredItem a = (await _store.GetAsync("lines", "a", CancellationToken.None))!;
        Assert.Equal((ItemStatus.Failed, 3, "batch_expired"), (a.Status, a.Attempts, a.LastError));
        Assert.Equal(0, await _store.MarkPendingAsync("lines", ["a"], "b4", CancellationToken.None));
        Assert.Equal(1, await _store.ResetStatusesAsync("lines", CancellationToken.None));
        Assert.Equal(ItemStatus.None, (await _store.GetAsync("lines", "a", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task The_store_survives_reopening_the_file()
    {
        await Import(("a", "one"));
        _store.Dispose();
        using var reopened = new SqliteItemStore($"Data Source={Path.Combine(_dir, "items.db")}");
        Assert.Equal("one", (await reopened.GetAsync("lines", "a", CancellationToken.None))!.Text);
    }

    private Task<ImportResult> Import(params (string Id, string Text)[] items) =>
        _store.ImportAsync("lines", items.Select(i => new CorpusItem(i.Id, i.Text, "img/1")).ToAsyncEnumerable(), CancellationToken.None);

    public void Dispose()
    {
        _store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static Dictionary<string, int> Chunks(params string[] ids) => ids.ToDictionary(id => id, _ => 1);
}
