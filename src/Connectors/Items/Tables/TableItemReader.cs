using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>Reads for <see cref="TableItemStore"/>: items by id, and the ids that need embedding from the sparse index.</summary>
internal sealed class TableItemReader(TableClient table)
{
    private const int QueriesInFlight = 8;

    /// <summary>
    /// The rows of <paramref name="ids"/> that exist. Ids of one batch or page sit close together in key order, so one
    /// range read between the smallest and largest key usually finds them all; it stops after reading about twice as
    /// many rows as asked for (ids scattered among many others) and fetches the rest 14 at a time.
    /// </summary>
    public async Task<Dictionary<string, ItemRow>> ReadAsync(string partition, IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            wanted[TableLayout.Item(OrderedKey.Encode(id))] = id;
        }

        var found = new Dictionary<string, ItemRow>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return found;
        }

        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {wanted.Keys.First()} and RowKey le {wanted.Keys.Last()}");
        int budget = (2 * wanted.Count) + 50, scanned = 0;
        string? lastScanned = null;
        bool complete = true;
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
        {
            lastScanned = e.RowKey;
            if (wanted.ContainsKey(e.RowKey))
            {
                ItemRow row = ItemRow.From(e);
                found[row.Id] = row;
            }

            if (found.Count == wanted.Count)
            {
                break;
            }

            if (++scanned >= budget)
            {
                complete = false;
                break;
            }
        }

        if (!complete)
        {
            // The rest, 14 keys a query (a filter holds at most 15 comparisons, one of them the partition's).
            var rest = wanted.Keys.Where(k => string.CompareOrdinal(k, lastScanned) > 0).Chunk(14).ToList();
            var fetched = new System.Collections.Concurrent.ConcurrentBag<ItemRow>();
            await Parallel.ForEachAsync(rest, new ParallelOptions { MaxDegreeOfParallelism = QueriesInFlight, CancellationToken = ct }, async (keys, token) =>
            {
                string any = string.Join(" or ", keys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")));
                await foreach (TableEntity e in table.QueryAsync<TableEntity>($"{TableClient.CreateQueryFilter($"PartitionKey eq {partition}")} and ({any})", cancellationToken: token))
                {
                    fetched.Add(ItemRow.From(e));
                }
            });
            foreach (ItemRow row in fetched)
            {
                found[row.Id] = row;
            }
        }

        return found;
    }

    public async Task<ItemRow?> GetAsync(string partition, string rowKey, CancellationToken ct)
    {
        NullableResponse<TableEntity> r = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
        return r.HasValue ? ItemRow.From(r.Value!) : null;
    }

    /// <summary>
    /// The keys of items that need embedding for <paramref name="fingerprint"/>, after <paramref name="afterKey"/>, in
    /// order: the None index merged with the embedded index of every other fingerprint. Reads index rows only.
    /// </summary>
    public async IAsyncEnumerable<string> NeedingKeysAsync(string partition, string fingerprint, string afterKey, [EnumeratorCancellation] CancellationToken ct)
    {
        var prefixes = new List<string> { TableLayout.MarkerPrefix(null) };
        foreach (string fp in await FingerprintsAsync(partition, ct))
        {
            if (fp != fingerprint)
            {
                prefixes.Add(TableLayout.MarkerPrefix(fp));
            }
        }

        var heads = new List<IAsyncEnumerator<string>>();
        try
        {
            foreach (string prefix in prefixes)
            {
                IAsyncEnumerator<string> e = KeysAsync(partition, prefix, afterKey, ct).GetAsyncEnumerator(ct);
                if (await e.MoveNextAsync())
                {
                    heads.Add(e);
                }
                else
                {
                    await e.DisposeAsync();
                }
            }

            string? previous = null;
            while (heads.Count > 0)
            {
                IAsyncEnumerator<string> least = heads.MinBy(h => h.Current, StringComparer.Ordinal)!;
                string key = least.Current;
                if (key != previous)
                {
                    yield return key;
                    previous = key;
                }

                if (!await least.MoveNextAsync())
                {
                    heads.Remove(least);
                    await least.DisposeAsync();
                }
            }
        }
        finally
        {
            foreach (IAsyncEnumerator<string> e in heads)
            {
                await e.DisposeAsync();
            }
        }
    }

    /// <summary>Every fingerprint the collection has embedded items under.</summary>
    public async Task<List<string>> FingerprintsAsync(string partition, CancellationToken ct)
    {
        var fingerprints = new List<string>();
        await foreach (string fp in KeysAsync(partition, TableLayout.Fingerprint(string.Empty), string.Empty, ct))
        {
            fingerprints.Add(fp);
        }

        return fingerprints;
    }

    /// <summary>The rest of each row key under <paramref name="prefix"/> after <paramref name="after"/>, in order.</summary>
    private async IAsyncEnumerable<string> KeysAsync(string partition, string prefix, string after, [EnumeratorCancellation] CancellationToken ct)
    {
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {prefix + after} and RowKey lt {TableLayout.PrefixEnd(prefix)}");
        await foreach (TableEntity e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: ct))
        {
            yield return e.RowKey[prefix.Length..];
        }
    }
}
