using System.Globalization;
using System.Text;
using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sqlite;

internal sealed partial class SqliteStore
{
    private const string InstanceColumns = "InstanceId, Name, RuntimeStatus, CreatedAt, LastUpdatedAt, Input, Output, CustomStatus, FailureDetails, Tags";

    public OrchestrationMetadata? GetInstance(string instanceId, bool withPayloads)
    {
        return Read(c =>
        {
            using SqliteCommand q = Command(c, null, $"SELECT {InstanceColumns} FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
            using SqliteDataReader r = q.ExecuteReader();
            return r.Read() ? ToMetadata(r, withPayloads) : null;
        });
    }

    /// <summary>Keyset paging on instance id; the continuation token is the last id of the page.</summary>
    public OrchestrationPage QueryInstances(OrchestrationQuery query)
    {
        return Read(c =>
        {
            var sql = new StringBuilder($"SELECT {InstanceColumns} FROM Instances WHERE 1 = 1");
            var args = new List<(string, object?)>();
            if (query.CreatedFrom is { } from)
            {
                sql.Append(" AND CreatedAt >= $from");
                args.Add(("$from", Ms(from)));
            }

            if (query.CreatedTo is { } to)
            {
                sql.Append(" AND CreatedAt <= $to");
                args.Add(("$to", Ms(to)));
            }

            if (query.InstanceIdPrefix is { Length: > 0 } prefix)
            {
                sql.Append(" AND substr(InstanceId, 1, length($prefix)) = $prefix");
                args.Add(("$prefix", prefix));
            }

            if (query.Statuses is { } statuses && statuses.Any())
            {
                sql.Append(" AND RuntimeStatus IN (").Append(string.Join(",", statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))).Append(')');
            }

            if (query.ContinuationToken is { Length: > 0 } token)
            {
                sql.Append(" AND InstanceId > $after");
                args.Add(("$after", token));
            }

            int size = Math.Clamp(query.PageSize, 1, 1000);
            sql.Append(" ORDER BY InstanceId LIMIT $size");
            args.Add(("$size", size + 1));
            using SqliteCommand q = Command(c, null, sql.ToString(), [.. args]);
            using SqliteDataReader r = q.ExecuteReader();
            var list = new List<OrchestrationMetadata>();
            while (r.Read())
            {
                list.Add(ToMetadata(r, query.FetchInputsAndOutputs));
            }

            string? next = null;
            if (list.Count > size)
            {
                list.RemoveAt(size);
                next = list[^1].InstanceId;
            }

            return new OrchestrationPage(list, next);
        });
    }

    public Task<bool> CreateInstanceAsync(NewInstance instance, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) => CreateInstance(c, tx, instance, Ms(DateTime.UtcNow), tags), signal: true, cancellationToken);

    /// <summary>Queues a control or external event for an instance: NotFound, Gone (terminal) or Accepted.</summary>
    public Task<InstanceCommandResult> SendToInstanceAsync(string instanceId, HistoryEvent e, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            using SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus, ExecutionId FROM Instances WHERE InstanceId = $id", ("$id", instanceId));
            using SqliteDataReader r = q.ExecuteReader();
            if (!r.Read())
            {
                return InstanceCommandResult.NotFound;
            }

            var status = (OrchestrationRuntimeStatus)r.GetInt32(0);
            r.Close();
            if (status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                return InstanceCommandResult.Gone;
            }

            Enqueue(c, tx, instanceId, null, e, Ms(DateTime.UtcNow));
            return InstanceCommandResult.Accepted;
        }, signal: true, cancellationToken);
    }

    /// <summary>Removes terminal instances and all their rows. Table order: Instances, History, NewEvents, NewTasks.</summary>
    public Task<int> PurgeAsync(string? instanceId, PurgeInstancesFilter? filter, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            var sql = new StringBuilder("SELECT InstanceId FROM Instances WHERE RuntimeStatus IN (1, 3, 5)");
            var args = new List<(string, object?)>();
            if (instanceId is not null)
            {
                sql.Append(" AND InstanceId = $id");
                args.Add(("$id", instanceId));
            }

            if (filter?.CreatedFrom is { } from)
            {
                sql.Append(" AND CreatedAt >= $from");
                args.Add(("$from", Ms(from)));
            }

            if (filter?.CreatedTo is { } to)
            {
                sql.Append(" AND CreatedAt <= $to");
                args.Add(("$to", Ms(to)));
            }

            if (filter?.Statuses is { } statuses && statuses.Any())
            {
                sql.Append(" AND RuntimeStatus IN (").Append(string.Join(",", statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)))).Append(')');
            }

            var ids = new List<string>();
            using (SqliteCommand q = Command(c, tx, sql.ToString(), [.. args]))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                while (r.Read())
                {
                    ids.Add(r.GetString(0));
                }
            }

            foreach (string id in ids)
            {
                DeleteInstanceRows(c, tx, id);
            }

            return ids.Count;
        }, signal: false, cancellationToken);
    }

    public Task SignalEntityAsync(EntityInstanceId id, HistoryEvent operation, DateTime? visibleAt, CancellationToken cancellationToken) =>
        WriteAsync((c, tx) =>
        {
            Route(c, tx, new OutboundMessage(id.ToString(), operation, visibleAt), Ms(DateTime.UtcNow));
            return 0;
        }, signal: true, cancellationToken);

    public EntityMetadata? GetEntity(EntityInstanceId id, bool includeState)
    {
        return Read(c =>
        {
            using SqliteCommand q = Command(c, null,
                "SELECT InstanceId, State, LastModifiedAt, LockedBy, (SELECT COUNT(*) FROM NewEvents e WHERE e.InstanceId = n.InstanceId) FROM Entities n WHERE InstanceId = $id",
                ("$id", id.ToString()));
            using SqliteDataReader r = q.ExecuteReader();
            return r.Read() ? ToEntity(r, includeState) : null;
        });
    }

    public (List<EntityMetadata> Entities, string? Next) QueryEntities(EntityQuery query)
    {
        return Read(c =>
        {
            var sql = new StringBuilder("SELECT InstanceId, State, LastModifiedAt, LockedBy, (SELECT COUNT(*) FROM NewEvents e WHERE e.InstanceId = n.InstanceId) FROM Entities n WHERE State IS NOT NULL");
            var args = new List<(string, object?)>();
            if (query.InstanceIdStartsWith is { Length: > 0 } prefix)
            {
                sql.Append(" AND substr(InstanceId, 1, length($p)) = $p");
                args.Add(("$p", prefix));
            }

            if (query.LastModifiedFrom is { } from)
            {
                sql.Append(" AND LastModifiedAt >= $from");
                args.Add(("$from", Ms(from)));
            }

            if (query.LastModifiedTo is { } to)
            {
                sql.Append(" AND LastModifiedAt <= $to");
                args.Add(("$to", Ms(to)));
            }

            if (query.ContinuationToken is { Length: > 0 } after)
            {
                sql.Append(" AND InstanceId > $after");
                args.Add(("$after", after));
            }

            int size = Math.Clamp(query.PageSize, 1, 1000);
            sql.Append(" ORDER BY InstanceId LIMIT $size");
            args.Add(("$size", size + 1));
            using SqliteCommand q = Command(c, null, sql.ToString(), [.. args]);
            using SqliteDataReader r = q.ExecuteReader();
            var list = new List<EntityMetadata>();
            while (r.Read())
            {
                list.Add(ToEntity(r, query.IncludeState));
            }

            string? next = null;
            if (list.Count > size)
            {
                list.RemoveAt(size);
                next = list[^1].Id.ToString();
            }

            return (list, next);
        });
    }

    private static EntityMetadata ToEntity(SqliteDataReader r, bool includeState) => new(EntityInstanceId.FromString(r.GetString(0)))
    {
        SerializedState = includeState && !r.IsDBNull(1) ? r.GetString(1) : null,
        IncludesState = includeState,
        LastModifiedTime = FromMs(r.GetInt64(2)),
        LockedBy = r.IsDBNull(3) ? null : r.GetString(3),
        BacklogQueueSize = r.GetInt32(4),
    };

    private static OrchestrationMetadata ToMetadata(SqliteDataReader r, bool withPayloads) => new(r.GetString(1), r.GetString(0))
    {
        RuntimeStatus = (OrchestrationRuntimeStatus)r.GetInt32(2),
        CreatedAt = FromMs(r.GetInt64(3)),
        LastUpdatedAt = FromMs(r.GetInt64(4)),
        SerializedInput = withPayloads && !r.IsDBNull(5) ? r.GetString(5) : null,
        SerializedOutput = withPayloads && !r.IsDBNull(6) ? r.GetString(6) : null,
        SerializedCustomStatus = withPayloads && !r.IsDBNull(7) ? r.GetString(7) : null,
        FailureDetails = r.IsDBNull(8) ? null : DataConverter.Deserialize<TaskFailureDetails>(r.GetString(8)),
        Tags = r.IsDBNull(9) ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(9)),
        RequestedInputsAndOutputs = withPayloads,
    };
}

internal enum InstanceCommandResult
{
    Accepted,
    NotFound,
    Gone,
}
