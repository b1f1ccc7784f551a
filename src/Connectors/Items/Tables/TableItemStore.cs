using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using BatchEmbed.Connectors.Storage;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Text;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// The item store in Azure Table Storage (or Azurite), with the SQLite store's semantics. The layout is in
/// <see cref="TableLayout"/>: finding work reads the sparse index, not the items that are done, and every change to an
/// item commits with its index row and counts in one conditional transaction (<see cref="TableItemWriter"/>). The table
/// is created on first use.
/// </summary>
public sealed class TableItemStore : IItemStore
{
    private const int ImportChunk = 1_000;
    private readonly TableClient _table;
    private readonly TableItemReader _reader;
    private readonly TableItemWriter _writer;
    private readonly CreateOnce _created;

    public TableItemStore(TableClient table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table;
        _created = new CreateOnce(() => table.CreateIfNotExistsAsync());
        _reader = new TableItemReader(table);
        _writer = new TableItemWriter(table, _reader);
    }

    /// <summary>A table reached with a connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public static TableItemStore FromConnectionString(string connectionString, string table) =>
        new(new TableClient(connectionString, table));

    /// <summary>A table reached with an account URI (<c>https://{account}.table.core.windows.net</c>) and a credential.</summary>
    public static TableItemStore FromAccount(Uri accountUri, TokenCredential credential, string table) =>
        new(new TableServiceClient(accountUri, credential).GetTableClient(table));

    public async Task<ImportResult> ImportAsync(string collection, IAsyncEnumerable<CorpusItem> items, CancellationToken cancellationToken)
    {
        CollectionName.ValidateStored(collection);
        ArgumentNullException.ThrowIfNull(items);
        await _created.EnsureAsync();
        var total = new long[3];
        var chunk = new Dictionary<string, CorpusItem>(StringComparer.Ordinal);
        bool registered = false, assumeNew = false;
        await foreach (CorpusItem item in items.WithCancellation(cancellationToken))
        {
            // An id seen twice in one chunk: the first is written before the second is compared with it.
            if (chunk.Count == ImportChunk || chunk.ContainsKey(item.Id))
            {
                await FlushAsync();
            }

            chunk[item.Id] = item;
        }

        await FlushAsync();
        return new ImportResult(total[0], total[1], total[2]);

        async Task FlushAsync()
        {
            if (chunk.Count == 0)
            {
                return;
            }

            if (!registered)
            {
                await _table.UpsertEntityAsync(new TableEntity(TableLayout.CollectionsPartition, collection), TableUpdateMode.Merge, cancellationToken);
                registered = true;
            }

            long now = Now();
            Dictionary<string, CorpusItem> batch = chunk;
            long[] t = await _writer.ApplyAsync(collection, batch.Keys, (id, current) => Import(batch[id], current, now), 3, cancellationToken, assumeNew);
            for (int i = 0; i < 3; i++)
            {
                total[i] += t[i];
            }

            // Inserting without reading first pays while the ids are new; once a chunk finds many that exist (a
            // re-import), reading first is cheaper than the failed transactions.
            assumeNew = t[0] >= 0.9 * batch.Count;

            chunk = new Dictionary<string, CorpusItem>(StringComparer.Ordinal);
        }
    }

    /// <summary>0 imported, 1 updated, 2 unchanged: a changed text goes back to None to be embedded again.</summary>
    private static (ItemRow?, int) Import(CorpusItem item, ItemRow? current, long now)
    {
        string text = TextNormalizer.Normalize(item.Text);
        string hash = Fingerprint.ContentHash(text);
        if (current is null)
        {
            return (new ItemRow(item.Id, text, item.GroupKey, item.MetadataJson, hash, ItemStatus.None, null, null, 0, null, 0, now), 0);
        }

        if (current.ContentHash != hash)
        {
            return (current with
            {
                Text = text, GroupKey = item.GroupKey, Metadata = item.MetadataJson, ContentHash = hash,
                Status = ItemStatus.None, BatchId = null, Attempts = 0, LastError = null, UpdatedAt = now,
            }, 1);
        }

        return current.GroupKey != item.GroupKey || current.Metadata != item.MetadataJson
            ? (current with { GroupKey = item.GroupKey, Metadata = item.MetadataJson, UpdatedAt = now }, 1)
            : (null, 2);
    }

    public async Task<ItemPage> FindUnembeddedAsync(string collection, string fingerprint, string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        TableLayout.ValidateFingerprint(fingerprint);
        await _created.EnsureAsync();
        var ids = new List<string>(pageSize);
        await foreach (string key in _reader.NeedingKeysAsync(collection, fingerprint, afterId is null ? string.Empty : OrderedKey.Encode(afterId), cancellationToken))
        {
            ids.Add(OrderedKey.Decode(key));
            if (ids.Count == pageSize)
            {
                break;
            }
        }

        Dictionary<string, ItemRow> rows = await _reader.ReadAsync(collection, ids, cancellationToken);
        var items = ids
            .Where(id => rows.TryGetValue(id, out ItemRow? r) && NeedsEmbedding(r, fingerprint))
            .Select(id => rows[id].ToStoredItem(collection))
            .ToList();
        return new ItemPage(items, ids.Count == pageSize ? ids[^1] : null);
    }

    public async Task<IReadOnlyList<ItemRange>> PageUnembeddedAsync(string collection, string fingerprint, int pageSize, long? maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        TableLayout.ValidateFingerprint(fingerprint);
        await _created.EnsureAsync();
        var pages = new List<ItemRange>();
        string? after = null, last = null;
        int count = 0;
        long seen = 0, max = maxItems ?? long.MaxValue;
        await foreach (string key in _reader.NeedingKeysAsync(collection, fingerprint, string.Empty, cancellationToken))
        {
            if (seen++ >= max)
            {
                break;
            }

            last = OrderedKey.Decode(key);
            if (++count == pageSize)
            {
                pages.Add(new ItemRange(after, last, count));
                (after, count) = (last, 0);
            }
        }

        if (count > 0)
        {
            pages.Add(new ItemRange(after, last!, count));
        }

        return pages;
    }

    public async Task<IReadOnlySet<string>> ClaimedByAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await _created.EnsureAsync();
        Dictionary<string, ItemRow> rows = await _reader.ReadAsync(collection, ids, cancellationToken);
        return rows.Values.Where(r => r.Status == ItemStatus.Pending && r.BatchId == batchId).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<string>> CollectionsAsync(CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        var names = new List<string>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableLayout.CollectionsPartition}");
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            names.Add(e.RowKey);
        }

        return names;
    }

    public async Task<int> MarkPendingAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId);
        long now = Now();
        return (int)(await ApplyAsync(collection, ids, 1, (_, r) => r switch
        {
            null or { Status: ItemStatus.Failed } => (null, -1),
            { Status: ItemStatus.Pending } when r.BatchId != batchId => (null, -1),
            { Status: ItemStatus.Pending } => (null, 0),
            _ => (r with { Status = ItemStatus.Pending, BatchId = batchId, UpdatedAt = now }, 0),
        }, cancellationToken))[0];
    }

    public async Task<int> MarkSucceededAsync(string collection, IReadOnlyDictionary<string, int> chunksById, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunksById);
        TableLayout.ValidateFingerprint(fingerprint);
        long now = Now();
        return (int)(await ApplyAsync(collection, [.. chunksById.Keys], 1, (id, r) =>
        {
            if (r is null || r.BatchId != batchId)
            {
                return (null, -1);
            }

            ItemRow next = r with { Status = ItemStatus.Succeeded, Fingerprint = fingerprint, Chunks = chunksById[id], LastError = null };
            return (next == r ? null : next with { UpdatedAt = now }, 0);
        }, cancellationToken))[0];
    }

    public async Task<int> MarkAnsweredAsync(string collection, IReadOnlyDictionary<string, string> outcomesById, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomesById);
        TableLayout.ValidateFingerprint(fingerprint);
        long now = Now();
        return (int)(await ApplyAsync(collection, [.. outcomesById.Keys], 1, (id, r) =>
        {
            if (r is null || r.BatchId != batchId)
            {
                return (null, -1);
            }

            ItemRow next = r with { Status = ItemStatus.Succeeded, Fingerprint = fingerprint, Outcome = outcomesById[id], LastError = null };
            return (next == r ? null : next with { UpdatedAt = now }, 0);
        }, cancellationToken))[0];
    }

    public async Task<ItemPage> ListAsync(string collection, string prefix, string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await _created.EnsureAsync();
        bool resume = afterId is not null && ItemIdOrder.Compare(afterId, prefix) >= 0;
        string from = TableLayout.Item(OrderedKey.Encode(resume ? afterId! : prefix));
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {collection} and RowKey lt {TableLayout.PrefixEnd(TableLayout.ItemPrefix)}")
            + " and " + (resume ? TableClient.CreateQueryFilter($"RowKey gt {from}") : TableClient.CreateQueryFilter($"RowKey ge {from}"));
        var items = new List<StoredItem>(Math.Min(pageSize, 1_000));
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize, 1_000), cancellationToken: cancellationToken))
        {
            ItemRow row = ItemRow.From(e);
            if (!row.Id.StartsWith(prefix, StringComparison.Ordinal))
            {
                break; // ids that share a prefix are contiguous in key order
            }

            items.Add(row.ToStoredItem(collection));
            if (items.Count == pageSize)
            {
                break;
            }
        }

        return new ItemPage(items, items.Count == pageSize ? items[^1].Id : null);
    }

    public async Task<IReadOnlyDictionary<string, int>> PreviousChunksAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await _created.EnsureAsync();
        Dictionary<string, ItemRow> rows = await _reader.ReadAsync(collection, ids, cancellationToken);
        return rows.Values
            .Where(r => r.BatchId == batchId && r.Status == ItemStatus.Pending && r.Fingerprint == fingerprint && r.Chunks > 0)
            .ToDictionary(r => r.Id, r => r.Chunks, StringComparer.Ordinal);
    }

    public async Task<(int Requeued, int Failed)> RequeueAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string reason, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        long now = Now();
        long[] t = await ApplyAsync(collection, ids, 2, (_, r) =>
        {
            if (r is not { Status: ItemStatus.Pending } || r.BatchId != batchId)
            {
                return (null, -1);
            }

            bool fails = r.Attempts + 1 >= maxAttempts;
            return (r with { Status = fails ? ItemStatus.Failed : ItemStatus.None, Attempts = r.Attempts + 1, BatchId = null, LastError = reason, UpdatedAt = now }, fails ? 1 : 0);
        }, cancellationToken);
        return ((int)t[0], (int)t[1]);
    }

    public async Task<int> ResetStatusesAsync(string collection, CancellationToken cancellationToken)
    {
        CollectionName.ValidateStored(collection);
        await _created.EnsureAsync();
        long now = Now();
        string filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {collection} and RowKey ge {TableLayout.ItemPrefix} and RowKey lt {TableLayout.PrefixEnd(TableLayout.ItemPrefix)} and (S ne 0 or B ne {string.Empty})");
        int changed = 0;
        var page = new List<string>();
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            page.Add(OrderedKey.Decode(e.RowKey.AsSpan(TableLayout.ItemPrefix.Length)));
            if (page.Count == 2_000)
            {
                changed += await ResetAsync(page);
                page.Clear();
            }
        }

        return changed + await ResetAsync(page);

        async Task<int> ResetAsync(List<string> ids) => ids.Count == 0 ? 0 : (int)(await ApplyAsync(collection, ids, 1, (_, r) =>
            r is null || (r.Status == ItemStatus.None && r.BatchId is null)
                ? (null, -1)
                : (r with { Status = ItemStatus.None, BatchId = null, Attempts = 0, LastError = null, UpdatedAt = now }, 0), cancellationToken))[0];
    }

    public async Task<int> ResetFailedAsync(string collection, CancellationToken cancellationToken)
    {
        long now = Now();
        int changed = 0;
        string? cursor = null;
        do
        {
            ItemPage page = await ListAsync(collection, string.Empty, cursor, 2_000, cancellationToken);
            var failed = page.Items.Where(i => i.Status == ItemStatus.Failed).Select(i => i.Id).ToList();
            if (failed.Count > 0)
            {
                changed += (int)(await ApplyAsync(collection, failed, 1, (_, r) => r is not { Status: ItemStatus.Failed }
                    ? (null, -1)
                    : (r with { Status = ItemStatus.None, BatchId = null, Attempts = 0, UpdatedAt = now }, 0), cancellationToken))[0];
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return changed;
    }

    public async Task<int> AdoptAsync(string collection, IReadOnlyCollection<StoredItem> embedded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        var byId = embedded.Where(i => i.Status == ItemStatus.Succeeded && i.Fingerprint is not null).ToDictionary(i => i.Id, StringComparer.Ordinal);
        foreach (string fingerprint in byId.Values.Select(i => i.Fingerprint!).Distinct(StringComparer.Ordinal))
        {
            TableLayout.ValidateFingerprint(fingerprint);
        }

        long now = Now();
        return (int)(await ApplyAsync(collection, [.. byId.Keys], 1, (id, r) =>
        {
            StoredItem e = byId[id];
            if (r is null || r.Status == ItemStatus.Pending || r.ContentHash != e.ContentHash)
            {
                return (null, -1);
            }

            ItemRow next = r with { Status = ItemStatus.Succeeded, Fingerprint = e.Fingerprint, Chunks = e.Chunks, BatchId = e.BatchId, Attempts = 0, LastError = null };
            return next == r ? (null, -1) : (next with { UpdatedAt = now }, 0);
        }, cancellationToken))[0];
    }

    public async Task<long> DeleteCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        CollectionName.ValidateStored(collection);
        await _created.EnsureAsync();
        long items = (await CountByStatusAsync(collection, cancellationToken)).Values.Sum();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {collection}");
        var keys = new List<string>();
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(e.RowKey);
        }

        // Entity group transactions of at most 100 rows, one partition each; a retried delete of a gone row is fine.
        await Parallel.ForEachAsync(keys.Chunk(100), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (chunk, token) =>
        {
            try
            {
                await _table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(collection, k), Azure.ETag.All)), token);
            }
            catch (TableTransactionFailedException)
            {
                foreach (string k in chunk)
                {
                    await _table.DeleteEntityAsync(collection, k, Azure.ETag.All, token);
                }
            }
        });
        return items;
    }

    public async Task<IReadOnlyDictionary<ItemStatus, long>> CountByStatusAsync(string collection, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        var counts = Enum.GetValues<ItemStatus>().ToDictionary(s => s, _ => 0L);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {collection} and RowKey ge {TableLayout.CountPrefix} and RowKey lt {TableLayout.PrefixEnd(TableLayout.CountPrefix)}");
        await foreach (TableEntity e in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            long[] shard = CountShard.CountsOf(e);
            for (int s = 0; s < shard.Length; s++)
            {
                counts[(ItemStatus)s] += shard[s];
            }
        }

        return counts;
    }

    public async Task<StoredItem?> GetAsync(string collection, string id, CancellationToken cancellationToken)
    {
        await _created.EnsureAsync();
        return (await _reader.GetAsync(collection, TableLayout.Item(OrderedKey.Encode(id)), cancellationToken))?.ToStoredItem(collection);
    }

    /// <summary>None, or embedded under another fingerprint (the SQLite store's rule, checked again on the row read).</summary>
    private static bool NeedsEmbedding(ItemRow r, string fingerprint) =>
        r.Status == ItemStatus.None || (r.Status == ItemStatus.Succeeded && r.Fingerprint != fingerprint);

    /// <summary>Runs a change over items and counts its <paramref name="outcomes"/> outcomes.</summary>
    private async Task<long[]> ApplyAsync(string collection, IReadOnlyCollection<string> ids, int outcomes, ItemTransform transform, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        CollectionName.ValidateStored(collection);
        await _created.EnsureAsync();
        return await _writer.ApplyAsync(collection, ids, transform, outcomes, ct);
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

}
