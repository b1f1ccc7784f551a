using Azure;
using Azure.Data.Tables;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// One shard of a collection's counts by status (row <c>c:{NN}</c>). A transaction updates one shard beside its items,
/// conditional on the shard's ETag, so the counts can never drift from the items; the gate keeps this process's
/// transactions from racing each other on it, and a conflict with another process is retried after a fresh read.
/// </summary>
internal sealed class CountShard(string partition, int shard)
{
    private long[] _counts = new long[4];
    private ETag? _etag;
    private bool _loaded;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string RowKey { get; } = TableLayout.CountShard(shard);

    public static long[] CountsOf(TableEntity e) => [.. Enumerable.Range(0, 4).Select(s => e.GetInt64("N" + s) ?? 0)];

    /// <summary>Reads the shard unless its last known state is current.</summary>
    public async Task LoadAsync(TableClient table, CancellationToken ct)
    {
        if (_loaded)
        {
            return;
        }

        NullableResponse<TableEntity> r = await table.GetEntityIfExistsAsync<TableEntity>(partition, RowKey, cancellationToken: ct);
        (_counts, _etag) = r.HasValue ? (CountsOf(r.Value!), (ETag?)r.Value!.ETag) : (new long[4], null);
        _loaded = true;
    }

    /// <summary>The action that writes the counts plus <paramref name="delta"/>: an insert the first time, then a conditional replace.</summary>
    public TableTransactionAction Update(long[] delta)
    {
        var e = new TableEntity(partition, RowKey);
        for (int s = 0; s < 4; s++)
        {
            e["N" + s] = _counts[s] + delta[s];
        }

        return _etag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, e, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, e);
    }

    /// <summary>Records a committed update; without the new ETag the next use reads the shard again.</summary>
    public void Committed(long[] delta, ETag? etag)
    {
        for (int s = 0; s < 4; s++)
        {
            _counts[s] += delta[s];
        }

        _etag = etag;
        _loaded = etag is not null;
    }

    /// <summary>Forgets the known state after a conflict.</summary>
    public void Invalidate() => _loaded = false;
}
