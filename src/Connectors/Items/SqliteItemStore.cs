using System.Globalization;
using System.Reflection;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Text;
using Microsoft.Data.Sqlite;

namespace BatchEmbed.Connectors.Items;

/// <summary>
/// The embedded item store: one SQLite file (WAL). Texts are normalised and hashed at import; bulk operations run in one
/// transaction each with a prepared statement reused per row.
/// </summary>
public sealed class SqliteItemStore : IItemStore, IDisposable
{
    private static readonly string[] s_versions = ["items-1.0.0", "items-1.1.0", "items-1.2.0"];
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteItemStore(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 60 };
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The item store's connection string needs a Data Source (a file path).", nameof(connectionString));
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        _connectionString = builder.ToString();
        using SqliteConnection c = Open();
        Exec(c, null, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS Versions (Version TEXT NOT NULL PRIMARY KEY, AppliedAt TEXT NOT NULL);");
        foreach (string version in s_versions)
        {
            using SqliteTransaction tx = c.BeginTransaction();
            using (SqliteCommand check = Cmd(c, tx, "SELECT COUNT(*) FROM Versions WHERE Version = $v", ("$v", version)))
            {
                if ((long)check.ExecuteScalar()! > 0)
                {
                    continue;
                }
            }

            using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream($"BatchEmbed.Connectors.Items.{version}.sql")!;
            Exec(c, tx, new StreamReader(s).ReadToEnd());
            Exec(c, tx, "INSERT INTO Versions (Version, AppliedAt) VALUES ($v, $at)", ("$v", version), ("$at", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture)));
            tx.Commit();
        }
    }

    public async Task<ImportResult> ImportAsync(string collection, IAsyncEnumerable<CorpusItem> items, CancellationToken cancellationToken)
    {
        CollectionName.ValidateStored(collection);
        ArgumentNullException.ThrowIfNull(items);
        long imported = 0, updated = 0, unchanged = 0;
        var chunk = new List<CorpusItem>(1000);
        await foreach (CorpusItem item in items.WithCancellation(cancellationToken))
        {
            chunk.Add(item);
            if (chunk.Count == chunk.Capacity)
            {
                Tally(await ImportChunkAsync(collection, chunk, cancellationToken));
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            Tally(await ImportChunkAsync(collection, chunk, cancellationToken));
        }

        return new ImportResult(imported, updated, unchanged);

        void Tally((long I, long U, long N) t)
        {
            imported += t.I;
            updated += t.U;
            unchanged += t.N;
        }
    }

    private Task<(long, long, long)> ImportChunkAsync(string collection, List<CorpusItem> chunk, CancellationToken ct) => WriteAsync((c, tx) =>
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long imported = 0, updated = 0, unchanged = 0;
        using SqliteCommand get = Cmd(c, tx, "SELECT ContentHash, GroupKey, Metadata FROM Items WHERE Collection = $c AND Id = $id", ("$c", collection), ("$id", string.Empty));
        using SqliteCommand insert = Cmd(c, tx,
            "INSERT INTO Items (Collection, Id, Text, GroupKey, Metadata, ContentHash, Status, UpdatedAt) VALUES ($c, $id, $t, $g, $m, $h, 0, $now)",
            ("$c", collection), ("$id", string.Empty), ("$t", string.Empty), ("$g", null), ("$m", null), ("$h", string.Empty), ("$now", now));
        using SqliteCommand changedText = Cmd(c, tx,
            "UPDATE Items SET Text = $t, GroupKey = $g, Metadata = $m, ContentHash = $h, Status = 0, BatchId = NULL, Attempts = 0, LastError = NULL, UpdatedAt = $now WHERE Collection = $c AND Id = $id",
            ("$c", collection), ("$id", string.Empty), ("$t", string.Empty), ("$g", null), ("$m", null), ("$h", string.Empty), ("$now", now));
        using SqliteCommand changedFields = Cmd(c, tx,
            "UPDATE Items SET GroupKey = $g, Metadata = $m, UpdatedAt = $now WHERE Collection = $c AND Id = $id",
            ("$c", collection), ("$id", string.Empty), ("$g", null), ("$m", null), ("$now", now));
        foreach (CorpusItem item in chunk)
        {
            string text = TextNormalizer.Normalize(item.Text);
            string hash = Fingerprint.ContentHash(text);
            get.Parameters["$id"].Value = item.Id;
            string? oldHash = null, oldGroup = null, oldMeta = null;
            bool exists = false;
            using (SqliteDataReader r = get.ExecuteReader())
            {
                if (r.Read())
                {
                    exists = true;
                    oldHash = r.GetString(0);
                    oldGroup = r.IsDBNull(1) ? null : r.GetString(1);
                    oldMeta = r.IsDBNull(2) ? null : r.GetString(2);
                }
            }

            SqliteCommand? cmd = !exists ? insert
                : oldHash != hash ? changedText
                : oldGroup != item.GroupKey || oldMeta != item.MetadataJson ? changedFields
                : null;
            if (cmd is null)
            {
                unchanged++;
                continue;
            }

            cmd.Parameters["$id"].Value = item.Id;
            cmd.Parameters["$g"].Value = (object?)item.GroupKey ?? DBNull.Value;
            cmd.Parameters["$m"].Value = (object?)item.MetadataJson ?? DBNull.Value;
            if (cmd != changedFields)
            {
                cmd.Parameters["$t"].Value = text;
                cmd.Parameters["$h"].Value = hash;
            }

            cmd.ExecuteNonQuery();
            if (exists)
            {
                updated++;
            }
            else
            {
                imported++;
            }
        }

        return (imported, updated, unchanged);
    }, ct);

    public Task<ItemPage> FindUnembeddedAsync(string collection, string fingerprint, string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null,
            $"""
            SELECT {Columns} FROM Items
            WHERE Collection = $c AND Id > $after AND {NeedsEmbedding}
            ORDER BY Id LIMIT $n
            """,
            ("$c", collection), ("$after", afterId ?? string.Empty), ("$fp", fingerprint), ("$n", pageSize));
        List<StoredItem> items = ReadAll(q);
        return Task.FromResult(new ItemPage(items, items.Count == pageSize ? items[^1].Id : null));
    }

    public Task<IReadOnlyList<ItemRange>> PageUnembeddedAsync(string collection, string fingerprint, int pageSize, long? maxItems, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null,
            $"SELECT Id FROM Items WHERE Collection = $c AND {NeedsEmbedding} ORDER BY Id LIMIT $n",
            ("$c", collection), ("$fp", fingerprint), ("$n", maxItems ?? long.MaxValue));
        var pages = new List<ItemRange>();
        using SqliteDataReader r = q.ExecuteReader();
        string? after = null, last = null;
        int count = 0;
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            last = r.GetString(0);
            if (++count == pageSize)
            {
                pages.Add(new ItemRange(after, last, count));
                after = last;
                count = 0;
            }
        }

        if (count > 0)
        {
            pages.Add(new ItemRange(after, last!, count));
        }

        return Task.FromResult<IReadOnlyList<ItemRange>>(pages);
    }

    public Task<IReadOnlySet<string>> ClaimedByAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null, "SELECT 1 FROM Items WHERE Collection = $c AND Id = $id AND BatchId = $b AND Status = 1",
            ("$c", collection), ("$id", string.Empty), ("$b", batchId));
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            q.Parameters["$id"].Value = id;
            if (q.ExecuteScalar() is not null)
            {
                claimed.Add(id);
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(claimed);
    }

    public Task<IReadOnlyList<string>> CollectionsAsync(CancellationToken cancellationToken)
    {
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null, "SELECT DISTINCT Collection FROM Items ORDER BY Collection");
        var names = new List<string>();
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }

        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    public Task<int> MarkPendingAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken) =>
        ForEachId(collection, ids, cancellationToken,
            "UPDATE Items SET Status = 1, BatchId = $b, UpdatedAt = $now WHERE Collection = $c AND Id = $id AND (Status <> 1 OR BatchId = $b) AND Status <> 3",
            ("$b", batchId));

    public Task<int> MarkSucceededAsync(string collection, IReadOnlyDictionary<string, int> chunksById, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunksById);
        return WriteAsync((c, tx) =>
        {
            using SqliteCommand cmd = Cmd(c, tx,
                "UPDATE Items SET Status = 2, Fingerprint = $fp, Chunks = $n, LastError = NULL, UpdatedAt = $now WHERE Collection = $c AND Id = $id AND BatchId = $b",
                ("$c", collection), ("$id", string.Empty), ("$n", 0), ("$b", batchId), ("$fp", fingerprint), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            int changed = 0;
            foreach ((string id, int chunks) in chunksById)
            {
                cmd.Parameters["$id"].Value = id;
                cmd.Parameters["$n"].Value = chunks;
                changed += cmd.ExecuteNonQuery();
            }

            return changed;
        }, cancellationToken);
    }

    public Task<int> MarkAnsweredAsync(string collection, IReadOnlyDictionary<string, string> outcomesById, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcomesById);
        return WriteAsync((c, tx) =>
        {
            using SqliteCommand cmd = Cmd(c, tx,
                "UPDATE Items SET Status = 2, Fingerprint = $fp, Outcome = $o, LastError = NULL, UpdatedAt = $now WHERE Collection = $c AND Id = $id AND BatchId = $b",
                ("$c", collection), ("$id", string.Empty), ("$o", string.Empty), ("$b", batchId), ("$fp", fingerprint), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            int changed = 0;
            foreach ((string id, string outcome) in outcomesById)
            {
                cmd.Parameters["$id"].Value = id;
                cmd.Parameters["$o"].Value = outcome;
                changed += cmd.ExecuteNonQuery();
            }

            return changed;
        }, cancellationToken);
    }

    public Task<ItemPage> ListAsync(string collection, string prefix, string? afterId, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        using SqliteConnection c = Open();
        // One lower bound (SQLite ranges the key over one of two) and an upper bound at the first id past the prefix,
        // so the listing seeks straight to the prefix and reads no row outside it.
        bool afterPrefix = afterId is not null && ItemIdOrder.Compare(afterId, prefix) >= 0;
        string? end = PastPrefix(prefix);
        using SqliteCommand q = Cmd(c, null,
            $"SELECT {Columns} FROM Items WHERE Collection = $c AND Id {(afterPrefix ? ">" : ">=")} $from{(end is null ? string.Empty : " AND Id < $end")} ORDER BY Id LIMIT $n",
            ("$c", collection), ("$from", afterPrefix ? afterId : prefix), ("$end", end), ("$n", pageSize));
        List<StoredItem> read = ReadAll(q);

        // Ids that share a prefix are contiguous in id order: the first id without it ends the listing.
        var items = read.TakeWhile(i => i.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return Task.FromResult(new ItemPage(items, items.Count == pageSize ? items[^1].Id : null));
    }

    /// <summary>
    /// The least string above every string that starts with <paramref name="prefix"/> (its last character plus one,
    /// which orders the same way in SQLite's binary UTF-8 comparison), or null when there is none to compute.
    /// </summary>
    private static string? PastPrefix(string prefix)
    {
        if (prefix.Length == 0 || prefix[^1] >= '\uD7FF')
        {
            return null;
        }

        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), [(char)(prefix[^1] + 1)]);
    }

    public Task<IReadOnlyDictionary<string, int>> PreviousChunksAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null, "SELECT Chunks FROM Items WHERE Collection = $c AND Id = $id AND BatchId = $b AND Status = 1 AND Fingerprint = $fp",
            ("$c", collection), ("$id", string.Empty), ("$b", batchId), ("$fp", fingerprint));
        var chunks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            q.Parameters["$id"].Value = id;
            if (q.ExecuteScalar() is long n && n > 0)
            {
                chunks[id] = (int)n;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(chunks);
    }

    public async Task<(int Requeued, int Failed)> RequeueAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string reason, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        int failed = await ForEachId(collection, ids, cancellationToken,
            "UPDATE Items SET Status = 3, Attempts = Attempts + 1, BatchId = NULL, LastError = $r, UpdatedAt = $now WHERE Collection = $c AND Id = $id AND BatchId = $b AND Status = 1 AND Attempts + 1 >= $max",
            ("$b", batchId), ("$r", reason), ("$max", maxAttempts));
        int requeued = await ForEachId(collection, ids, cancellationToken,
            "UPDATE Items SET Status = 0, Attempts = Attempts + 1, BatchId = NULL, LastError = $r, UpdatedAt = $now WHERE Collection = $c AND Id = $id AND BatchId = $b AND Status = 1",
            ("$b", batchId), ("$r", reason));
        return (requeued, failed);
    }

    public Task<int> ResetStatusesAsync(string collection, CancellationToken cancellationToken) => WriteAsync((c, tx) =>
        Exec(c, tx, "UPDATE Items SET Status = 0, BatchId = NULL, Attempts = 0, LastError = NULL, UpdatedAt = $now WHERE Collection = $c AND (Status <> 0 OR BatchId IS NOT NULL)",
            ("$c", collection), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())), cancellationToken);

    public Task<int> ResetFailedAsync(string collection, CancellationToken cancellationToken) => WriteAsync((c, tx) =>
        Exec(c, tx, "UPDATE Items SET Status = 0, BatchId = NULL, Attempts = 0, UpdatedAt = $now WHERE Collection = $c AND Status = 3",
            ("$c", collection), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())), cancellationToken);

    public Task<int> AdoptAsync(string collection, IReadOnlyCollection<StoredItem> embedded, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        return WriteAsync((c, tx) =>
        {
            using SqliteCommand cmd = Cmd(c, tx,
                "UPDATE Items SET Status = 2, Fingerprint = $fp, Chunks = $n, BatchId = $b, Attempts = 0, LastError = NULL, UpdatedAt = $now " +
                "WHERE Collection = $c AND Id = $id AND ContentHash = $h AND Status <> 1 AND NOT (Status = 2 AND Fingerprint IS $fp AND Chunks = $n AND BatchId IS $b)",
                ("$c", collection), ("$id", string.Empty), ("$h", string.Empty), ("$fp", string.Empty), ("$n", 0), ("$b", string.Empty), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            int changed = 0;
            foreach (StoredItem item in embedded.Where(i => i.Status == ItemStatus.Succeeded && i.Fingerprint is not null))
            {
                cmd.Parameters["$id"].Value = item.Id;
                cmd.Parameters["$h"].Value = item.ContentHash;
                cmd.Parameters["$fp"].Value = item.Fingerprint;
                cmd.Parameters["$n"].Value = item.Chunks;
                cmd.Parameters["$b"].Value = (object?)item.BatchId ?? DBNull.Value;
                changed += cmd.ExecuteNonQuery();
            }

            return changed;
        }, cancellationToken);
    }

    public Task<long> DeleteCollectionAsync(string collection, CancellationToken cancellationToken) => WriteAsync((c, tx) =>
        (long)Exec(c, tx, "DELETE FROM Items WHERE Collection = $c", ("$c", collection)), cancellationToken);

    public Task<IReadOnlyDictionary<ItemStatus, long>> CountByStatusAsync(string collection, CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<ItemStatus>().ToDictionary(s => s, _ => 0L);
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null, "SELECT Status, COUNT(*) FROM Items WHERE Collection = $c GROUP BY Status", ("$c", collection));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            counts[(ItemStatus)r.GetInt32(0)] = r.GetInt64(1);
        }

        return Task.FromResult<IReadOnlyDictionary<ItemStatus, long>>(counts);
    }

    public Task<StoredItem?> GetAsync(string collection, string id, CancellationToken cancellationToken)
    {
        using SqliteConnection c = Open();
        using SqliteCommand q = Cmd(c, null, $"SELECT {Columns} FROM Items WHERE Collection = $c AND Id = $id", ("$c", collection), ("$id", id));
        return Task.FromResult(ReadAll(q).FirstOrDefault());
    }

    /// <summary>None, or embedded under another fingerprint. Pending (in flight) and Failed items are left alone.</summary>
    private const string NeedsEmbedding = "(Status = 0 OR (Status = 2 AND (Fingerprint IS NULL OR Fingerprint <> $fp)))";

    private const string Columns = "Collection, Id, Text, GroupKey, Metadata, ContentHash, Status, Fingerprint, BatchId, Attempts, LastError, UpdatedAt, Outcome, Chunks";

    private static List<StoredItem> ReadAll(SqliteCommand q)
    {
        var list = new List<StoredItem>();
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            list.Add(new StoredItem(
                r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetString(5), (ItemStatus)r.GetInt32(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                r.GetInt32(9), r.IsDBNull(10) ? null : r.GetString(10), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
                r.IsDBNull(12) ? null : r.GetString(12), r.GetInt32(13)));
        }

        return list;
    }

    public void Dispose() => _writer.Dispose();

#pragma warning disable CA1068 // the SQL parameters are params, so the token cannot come last
    private Task<int> ForEachId(string collection, IReadOnlyCollection<string> ids, CancellationToken ct, string sql, params (string Name, object? Value)[] extra) =>
        WriteAsync((c, tx) =>
        {
            using SqliteCommand cmd = Cmd(c, tx, sql, [("$c", collection), ("$id", string.Empty), ("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), .. extra]);
            int changed = 0;
            foreach (string id in ids)
            {
                cmd.Parameters["$id"].Value = id;
                changed += cmd.ExecuteNonQuery();
            }

            return changed;
        }, ct);
#pragma warning restore CA1068

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            using SqliteConnection c = Open();
            using SqliteTransaction tx = c.BeginTransaction();
            T result = work(c, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, null, "PRAGMA synchronous=NORMAL;");
        return c;
    }

    private static SqliteCommand Cmd(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach ((string name, object? value) in args)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return cmd;
    }

    private static int Exec(SqliteConnection c, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] args)
    {
        using SqliteCommand cmd = Cmd(c, tx, sql, args);
        return cmd.ExecuteNonQuery();
    }
}
