using System.Text.Json;
using BatchEmbed.DurableTask.Sqlite;
using Google.Protobuf;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>
/// The sidecar's durable store: one SQLite file (WAL) owned by one backend process, which holds a lock file beside it
/// for as long as it runs. Writes go through the <see cref="StoreWriter"/> (group commit, one transaction per batch);
/// reads use pooled connections and see committed data only. Leases are not stored: work handed to a worker is
/// tracked in memory by the dispatcher, so after a restart everything not completed is simply handed out again.
/// </summary>
internal sealed partial class SidecarStore : IAsyncDisposable
{
    private const int MaxIdleReaders = 8;

    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> _readers = [];
    private readonly string _connectionString;
    private readonly StoreWriter _writer;
    private readonly FileStream _ownership;

    public SidecarStore(SidecarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        string path = Path.GetFullPath(options.DatabasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _ownership = ClaimOwnership(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 60,
        }.ToString();
        SqliteConnection writer = Open();
        Exec(writer, null, "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
        SqliteSchema.EnsureCreated(writer);
        StatementCache.Enable(writer);
        _writer = new StoreWriter(writer);
        History = new HistoryCache(options.HistoryCacheEvents);
    }

    public SidecarOptions Options { get; }

    public HistoryCache History { get; }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        while (_readers.TryTake(out SqliteConnection? reader))
        {
            StatementCache.Release(reader);
            await reader.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        await _ownership.DisposeAsync();
    }

    internal Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, WorkNotice? notice = null) => _writer.WriteAsync(work, notice);

    /// <summary>Receives each committed write's notice, in commit order, on the writer's thread (keep it quick).</summary>
    public Action<WorkNotice>? Committed
    {
        get => _writer.Committed;
        set => _writer.Committed = value;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one read transaction, so its queries see one consistent state, on a reader
    /// connection kept open (with its prepared statements) between reads.
    /// </summary>
    internal T Read<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        if (!_readers.TryTake(out SqliteConnection? c))
        {
            c = Open();
            StatementCache.Enable(c);
        }

        try
        {
            using SqliteTransaction tx = c.BeginTransaction(deferred: true);
            return work(c, tx);
        }
        finally
        {
            if (_readers.Count < MaxIdleReaders)
            {
                _readers.Add(c);
            }
            else
            {
                StatementCache.Release(c);
                c.Dispose();
            }
        }
    }

    internal static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    internal static byte[] Bytes(IMessage m) => m.ToByteArray();

    internal static P.HistoryEvent ReadEvent(SqliteDataReader r, int i) => P.HistoryEvent.Parser.ParseFrom(r.GetFieldValue<byte[]>(i));

    internal static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    internal static long? Long(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>
    /// A keyset page: the query read one row more than <paramref name="size"/>; if it got it, there is a next page and
    /// its token is the key of the page's last row.
    /// </summary>
    internal static (List<T> Page, string? Next) Paged<T>(List<T> rows, int size, Func<T, string> key)
    {
        if (rows.Count <= size)
        {
            return (rows, null);
        }

        rows.RemoveAt(size);
        return (rows, key(rows[^1]));
    }

    internal static string? TagsJson(IReadOnlyDictionary<string, string>? tags) => tags is null || tags.Count == 0 ? null : JsonSerializer.Serialize(tags);

    internal static Dictionary<string, string>? ParseTags(string? json) => json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static FileStream ClaimOwnership(string databasePath)
    {
        string lockPath = databasePath + ".lock";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            byte[] pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The task hub file '{databasePath}' is in use by another durable backend process (see {lockPath}). One backend owns a file at a time: stop the other one, or use another --database.", e);
        }
    }
}
