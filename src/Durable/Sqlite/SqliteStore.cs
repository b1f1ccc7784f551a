using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sqlite;

/// <summary>
/// The embedded durable store (SQLite, WAL). Each orchestration episode, activity completion batch and entity batch
/// commits in one transaction. Writes from this process go through one writer gate, so they never contend with each
/// other for SQLite's single write lock; other processes on the same file wait on SQLite's busy timeout.
/// </summary>
internal sealed partial class SqliteStore : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public SqliteStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        _connectionString = options.Normalized();
        using SqliteConnection connection = Open();
        SqliteSchema.EnsureCreated(connection);
    }

    public SqliteStoreOptions Options { get; }

    /// <summary>Raised after a commit that made work visible now, so local dispatchers poll at once.</summary>
    public event Action? WorkAvailable;

    public void Dispose() => _writer.Dispose();

    internal SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using SqliteCommand pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    internal async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, bool signal, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        T result;
        try
        {
            using SqliteConnection connection = Open();
            using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
            result = work(connection, tx);
            tx.Commit();
        }
        finally
        {
            _writer.Release();
        }

        if (signal)
        {
            WorkAvailable?.Invoke();
        }

        return result;
    }

    internal T Read<T>(Func<SqliteConnection, T> work)
    {
        using SqliteConnection connection = Open();
        return work(connection);
    }

    /// <summary>
    /// Routes a message in the caller's transaction. Table order: Entities, Instances, NewEvents.
    /// Entities are created on first message; messages to orchestrations that do not exist are dropped (SendEvent semantics).
    /// </summary>
    internal static void Route(SqliteConnection c, SqliteTransaction tx, OutboundMessage m, long nowMs)
    {
        if (EntityInstanceId.IsEntityId(m.TargetInstanceId))
        {
            EntityInstanceId id = EntityInstanceId.FromString(m.TargetInstanceId);
            Exec(c, tx, "INSERT OR IGNORE INTO Entities (InstanceId, Name, Key, LastModifiedAt) VALUES ($id, $n, $k, $t)",
                ("$id", m.TargetInstanceId), ("$n", id.Name), ("$k", id.Key), ("$t", nowMs));
        }
        else
        {
            using SqliteCommand exists = Command(c, tx, "SELECT 1 FROM Instances WHERE InstanceId = $id", ("$id", m.TargetInstanceId));
            if (exists.ExecuteScalar() is null)
            {
                return;
            }
        }

        Enqueue(c, tx, m.TargetInstanceId, null, m.Event, m.VisibleAt is { } at ? Ms(at) : nowMs);
    }

    internal static void Enqueue(SqliteConnection c, SqliteTransaction tx, string instanceId, string? executionId, HistoryEvent e, long visibleAtMs)
    {
        Exec(c, tx, "INSERT INTO NewEvents (InstanceId, ExecutionId, VisibleAt, EventType, Event) VALUES ($id, $ex, $v, $t, $e)",
            ("$id", instanceId), ("$ex", executionId), ("$v", visibleAtMs), ("$t", e.EventType.ToString()), ("$e", e.ToJson()));
    }

    /// <summary>
    /// Creates an instance, or overwrites a finished one. Table order: Instances, History, NewEvents, NewTasks.
    /// Refused (returns false) while an instance with the id is Pending, Running or Suspended.
    /// </summary>
    internal static bool CreateInstance(SqliteConnection c, SqliteTransaction tx, NewInstance n, long nowMs, IReadOnlyDictionary<string, string>? tags = null)
    {
        using (SqliteCommand check = Command(c, tx, "SELECT RuntimeStatus FROM Instances WHERE InstanceId = $id", ("$id", n.InstanceId)))
        {
            if (check.ExecuteScalar() is long status && status is (long)OrchestrationRuntimeStatus.Pending or (long)OrchestrationRuntimeStatus.Running or (long)OrchestrationRuntimeStatus.Suspended)
            {
                return false;
            }
        }

        DeleteInstanceRows(c, tx, n.InstanceId);
        string executionId = Guid.NewGuid().ToString("N");
        Exec(c, tx,
            """
            INSERT INTO Instances (InstanceId, ExecutionId, Name, RuntimeStatus, CreatedAt, LastUpdatedAt, Input, ParentInstanceId, ParentExecutionId, ParentName, ParentTaskId, Tags)
            VALUES ($id, $ex, $name, $st, $now, $now, $in, $pid, $pex, $pname, $ptask, $tags)
            """,
            ("$id", n.InstanceId), ("$ex", executionId), ("$name", n.Name), ("$st", (int)OrchestrationRuntimeStatus.Pending), ("$now", nowMs),
            ("$in", n.Input), ("$pid", n.ParentInstanceId), ("$pex", n.ParentExecutionId), ("$pname", n.ParentName), ("$ptask", n.ParentTaskId),
            ("$tags", tags is null ? null : System.Text.Json.JsonSerializer.Serialize(tags)));
        DateTime startAt = n.StartAt ?? FromMs(nowMs).UtcDateTime;
        Enqueue(c, tx, n.InstanceId, executionId, ExecutionStarted(n, executionId, nowMs), Math.Max(nowMs, Ms(startAt)));
        return true;
    }

    /// <summary>The first event of an execution, for a new instance and for ContinueAsNew alike.</summary>
    internal static HistoryEvent ExecutionStarted(NewInstance n, string executionId, long nowMs) =>
        new(EventType.ExecutionStarted, -1, FromMs(nowMs).UtcDateTime)
        {
            Name = n.Name,
            Input = n.Input,
            ExecutionId = executionId,
            InstanceId = n.InstanceId,
            ParentInstanceId = n.ParentInstanceId,
            ParentName = n.ParentName,
            ParentTaskId = n.ParentTaskId,
            ScheduledStartTime = n.StartAt,
        };

    internal static void DeleteInstanceRows(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        Exec(c, tx, "DELETE FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM History WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM NewEvents WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM NewTasks WHERE InstanceId = $id", ("$id", instanceId));
    }
}
