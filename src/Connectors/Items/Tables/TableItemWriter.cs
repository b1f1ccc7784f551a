using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// Applies an operation to items in entity-group transactions. Each transaction holds up to 99 entity actions (the
/// items, their index rows, a fingerprint row) and one count shard, every item conditional on the ETag it was read
/// with. A transaction that meets a concurrent change (409, 412, 404) is worked out again from a fresh read of its
/// items and resubmitted; the rest of the operation is not affected. Transactions of one operation run 4 at a time.
/// </summary>
internal sealed class TableItemWriter(TableClient table, TableItemReader reader)
{
    private const int MaxActions = 99;
    private const long MaxBytes = 3_500_000;
    private const int InFlight = 4;
    private const int MaxConflicts = 50;
    private readonly ConcurrentDictionary<(string, int), CountShard> _shards = new();
    private int _nextShard;

    /// <summary>
    /// Runs <paramref name="transform"/> over <paramref name="ids"/> (each once) and counts the outcomes. The ids are taken
    /// in key order, in groups of 2,000, so each group's read is one dense range. With <paramref name="assumeNew"/> the
    /// first attempt skips the read and inserts (an import into new ids); an id that turns out to exist fails its
    /// transaction with 409, which is then worked out again from a read like any conflict.
    /// </summary>
    public async Task<long[]> ApplyAsync(string partition, IReadOnlyCollection<string> ids, ItemTransform transform, int outcomes, CancellationToken ct, bool assumeNew = false)
    {
        var tally = new long[outcomes];
        foreach (string[] group in ids.Distinct(StringComparer.Ordinal).OrderBy(OrderedKey.Encode, StringComparer.Ordinal).Chunk(2_000))
        {
            List<ItemChange> changes = await ChangesAsync(partition, group, transform, tally, ct, assumeNew);
            await Parallel.ForEachAsync(Pack(changes), new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = ct },
                (pack, token) => new ValueTask(CommitAsync(partition, pack, transform, tally, token)));
        }

        return tally;
    }

    /// <summary>Reads the items (unless assumed new) and works out their changes; outcomes that need no write are counted at once.</summary>
    private async Task<List<ItemChange>> ChangesAsync(string partition, string[] ids, ItemTransform transform, long[] tally, CancellationToken ct, bool assumeNew = false)
    {
        Dictionary<string, ItemRow> rows = assumeNew ? [] : await reader.ReadAsync(partition, ids, ct);
        var changes = new List<ItemChange>(ids.Length);
        foreach (string id in ids)
        {
            ItemRow? current = rows.GetValueOrDefault(id);
            (ItemRow? next, int outcome) = transform(id, current);
            if (next is null)
            {
                Count(tally, outcome);
            }
            else
            {
                changes.Add(new ItemChange(id, OrderedKey.Encode(id), current, next, outcome));
            }
        }

        return changes;
    }

    private static IEnumerable<List<ItemChange>> Pack(List<ItemChange> changes)
    {
        var pack = new List<ItemChange>();
        int actions = 1; // the fingerprint row a pack may need
        long chars = 0;
        foreach (ItemChange c in changes)
        {
            if (pack.Count > 0 && (actions + c.Actions > MaxActions || chars + c.Size > MaxBytes))
            {
                yield return pack;
                pack = [];
                (actions, chars) = (1, 0);
            }

            pack.Add(c);
            actions += c.Actions;
            chars += c.Size;
        }

        if (pack.Count > 0)
        {
            yield return pack;
        }
    }

    private async Task CommitAsync(string partition, List<ItemChange> pack, ItemTransform transform, long[] tally, CancellationToken ct)
    {
        for (int conflicts = 0; pack.Count > 0; conflicts++)
        {
            CountShard shard = await AcquireAsync(partition, ct);
            try
            {
                await shard.LoadAsync(table, ct);
                var delta = new long[4];
                List<TableTransactionAction> actions = Actions(partition, pack, delta);
                actions.Add(shard.Update(delta));
                Response<IReadOnlyList<Response>> r = await table.SubmitTransactionAsync(actions, ct);
                shard.Committed(delta, r.Value.Count == actions.Count ? r.Value[^1].Headers.ETag : null);
                foreach (ItemChange c in pack)
                {
                    Count(tally, c.Outcome);
                }

                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && conflicts < MaxConflicts)
            {
                shard.Invalidate();
            }
            finally
            {
                shard.Gate.Release();
            }

            await Task.Delay(Random.Shared.Next(5, 20 + (10 * conflicts)), ct);
            pack = await ChangesAsync(partition, [.. pack.Select(c => c.Id)], transform, tally, ct);
        }
    }

    private static List<TableTransactionAction> Actions(string partition, List<ItemChange> pack, long[] delta)
    {
        var actions = new List<TableTransactionAction>();
        var fingerprints = new HashSet<string>(StringComparer.Ordinal);
        foreach (ItemChange c in pack)
        {
            string rowKey = TableLayout.Item(c.Key);
            actions.Add(c.Current is null ? new TableTransactionAction(TableTransactionActionType.Add, c.Next.ToEntity(partition, rowKey))
                : c.ReplacesContent ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, c.Next.ToEntity(partition, rowKey), c.Current.ETag!.Value)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, c.Next.Bookkeeping(partition, rowKey), c.Current.ETag!.Value));
            if (c.OldMarker != c.NewMarker)
            {
                if (c.OldMarker is not null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, c.OldMarker), ETag.All));
                }

                if (c.NewMarker is not null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, c.NewMarker)));
                }
            }

            if (c.Current is not null)
            {
                delta[(int)c.Current.Status]--;
            }

            delta[(int)c.Next.Status]++;
            if (c.Next.Status == ItemStatus.Succeeded && c.Next.Fingerprint is { } fp)
            {
                fingerprints.Add(fp);
            }
        }

        foreach (string fp in fingerprints)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(partition, TableLayout.Fingerprint(fp))));
        }

        return actions;
    }

    /// <summary>A count shard of the collection no other transaction of this process holds, waiting only if all are held.</summary>
    private async Task<CountShard> AcquireAsync(string partition, CancellationToken ct)
    {
        int start = Interlocked.Increment(ref _nextShard) & int.MaxValue;
        for (int i = 0; i < TableLayout.CountShards; i++)
        {
            CountShard s = Shard(partition, (start + i) % TableLayout.CountShards);
            if (s.Gate.Wait(0, CancellationToken.None))
            {
                return s;
            }
        }

        CountShard wait = Shard(partition, start % TableLayout.CountShards);
        await wait.Gate.WaitAsync(ct);
        return wait;
    }

    private CountShard Shard(string partition, int shard) => _shards.GetOrAdd((partition, shard), k => new CountShard(k.Item1, k.Item2));

    private static void Count(long[] tally, int outcome)
    {
        if (outcome >= 0)
        {
            Interlocked.Increment(ref tally[outcome]);
        }
    }
}
