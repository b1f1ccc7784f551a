using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

internal sealed partial class SidecarStore
{
    /// <summary>Instances matching a query, keyset-paged on the instance id (the continuation token is the last id of a page).</summary>
    public (List<InstanceRecord> Instances, string? Next) QueryInstances(P.InstanceQuery query)
    {
        return Read((c, tx) =>
        {
            var sql = new StringBuilder($"SELECT {InstanceColumns}{(query.FetchInputsAndOutputs ? PayloadColumns : string.Empty)} FROM Orchestrations WHERE 1 = 1");
            var args = new List<(string, object?)>();
            AppendStatuses(sql, "RuntimeStatus", query.RuntimeStatus);
            AppendRange(sql, args, "CreatedAt", query.CreatedTimeFrom, query.CreatedTimeTo);
            if (query.InstanceIdPrefix is { Length: > 0 } prefix)
            {
                sql.Append(" AND substr(InstanceId, 1, length($prefix)) = $prefix");
                args.Add(("$prefix", prefix));
            }

            if (query.ContinuationToken is { Length: > 0 } token)
            {
                sql.Append(" AND InstanceId > $after");
                args.Add(("$after", token));
            }

            int size = query.MaxInstanceCount <= 0 ? 100 : Math.Min(query.MaxInstanceCount, 1000);
            sql.Append(" ORDER BY InstanceId LIMIT $size");
            args.Add(("$size", size + 1));
            var list = new List<InstanceRecord>();
            using SqliteCommand q = Command(c, tx, sql.ToString(), [.. args]);
            using SqliteDataReader r = q.ExecuteReader();
            while (r.Read())
            {
                list.Add(ToInstance(r, query.FetchInputsAndOutputs));
            }

            return Paged(list, size, i => i.InstanceId);
        });
    }

    /// <summary>Instance ids by status and completion time, keyset-paged on the id.</summary>
    public (List<string> Ids, string? LastKey) ListInstanceIds(P.ListInstanceIdsRequest request)
    {
        return Read((c, tx) =>
        {
            var sql = new StringBuilder("SELECT InstanceId FROM Orchestrations WHERE 1 = 1");
            var args = new List<(string, object?)>();
            AppendStatuses(sql, "RuntimeStatus", request.RuntimeStatus);
            AppendRange(sql, args, "CompletedAt", request.CompletedTimeFrom, request.CompletedTimeTo);
            if (request.LastInstanceKey is { Length: > 0 } after)
            {
                sql.Append(" AND InstanceId > $after");
                args.Add(("$after", after));
            }

            int size = request.PageSize <= 0 ? 100 : Math.Min(request.PageSize, 10_000);
            sql.Append(" ORDER BY InstanceId LIMIT $size");
            args.Add(("$size", size + 1));
            var ids = new List<string>();
            using SqliteCommand q = Command(c, tx, sql.ToString(), [.. args]);
            using SqliteDataReader r = q.ExecuteReader();
            while (r.Read())
            {
                ids.Add(r.GetString(0));
            }

            return Paged(ids, size, id => id);
        });
    }

    /// <summary>
    /// Purges finished instances (a running one is never purged), with their sub-orchestrations when recursive, in
    /// transactions of a page each until none is left or the timeout passes. Table order: Orchestrations,
    /// OrchestrationHistory, OrchestrationInbox, ActivityQueue.
    /// </summary>
    public async Task<(int Deleted, bool Complete)> PurgeAsync(Func<SqliteConnection, SqliteTransaction, List<string>> select, bool recursive, TimeSpan? timeout)
    {
        const int Page = 500;
        DateTime deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        int deleted = 0;
        while (true)
        {
            (int count, bool more) = await WriteAsync((c, tx) =>
            {
                List<string> ids = select(c, tx);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var purged = new List<string>();
                var pending = new Queue<string>(ids.Take(Page));
                while (pending.TryDequeue(out string? id))
                {
                    if (!seen.Add(id) || !IsFinished(c, tx, id)) // unknown and running instances are not purged, nor counted
                    {
                        continue;
                    }

                    purged.Add(id);

                    if (recursive)
                    {
                        foreach (string child in Children(c, tx, id))
                        {
                            pending.Enqueue(child);
                        }
                    }

                    DeleteInstanceRows(c, tx, id);
                }

                return (purged.Count(id => !Exists(c, tx, id)), ids.Count > Page);
            });
            deleted += count;
            if (!more || count == 0)
            {
                return (deleted, true);
            }

            if (DateTime.UtcNow >= deadline)
            {
                return (deleted, false);
            }
        }
    }

    /// <summary>Finished instances matching a purge filter, oldest first.</summary>
    internal static List<string> SelectPurgeable(SqliteConnection c, SqliteTransaction tx, P.PurgeInstanceFilter filter)
    {
        var sql = new StringBuilder($"SELECT InstanceId FROM Orchestrations WHERE RuntimeStatus IN ({Statuses.TerminalSql})");
        var args = new List<(string, object?)>();
        AppendStatuses(sql, "RuntimeStatus", filter.RuntimeStatus);
        AppendRange(sql, args, "CreatedAt", filter.CreatedTimeFrom, filter.CreatedTimeTo);
        sql.Append(" ORDER BY CreatedAt LIMIT 501");
        var ids = new List<string>();
        using SqliteCommand q = Command(c, tx, sql.ToString(), [.. args]);
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <summary>Deletes an entity's state and its queued messages (a purge by an entity id).</summary>
    public Task<int> PurgeEntityAsync(string entityId) => WriteAsync((c, tx) =>
    {
        Exec(c, tx, "DELETE FROM EntityInbox WHERE EntityId = $id", ("$id", entityId));
        return Exec(c, tx, "DELETE FROM EntityStates WHERE InstanceId = $id", ("$id", entityId));
    });

    private static bool IsFinished(SqliteConnection c, SqliteTransaction tx, string id)
    {
        using SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus FROM Orchestrations WHERE InstanceId = $id", ("$id", id));
        return q.ExecuteScalar() is long status && Statuses.IsTerminal((P.OrchestrationStatus)status);
    }

    private static bool Exists(SqliteConnection c, SqliteTransaction tx, string id)
    {
        using SqliteCommand q = Command(c, tx, "SELECT 1 FROM Orchestrations WHERE InstanceId = $id", ("$id", id));
        return q.ExecuteScalar() is not null;
    }

    private static List<string> Children(SqliteConnection c, SqliteTransaction tx, string parentId)
    {
        var ids = new List<string>();
        using SqliteCommand q = Command(c, tx, "SELECT InstanceId FROM Orchestrations WHERE ParentInstanceId = $p", ("$p", parentId));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    private static void AppendStatuses(StringBuilder sql, string column, IEnumerable<P.OrchestrationStatus> statuses)
    {
        string list = string.Join(",", statuses.Select(s => ((int)s).ToString(CultureInfo.InvariantCulture)));
        if (list.Length > 0)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} IN ({list})");
        }
    }

    private static void AppendRange(StringBuilder sql, List<(string, object?)> args, string column, Google.Protobuf.WellKnownTypes.Timestamp? from, Google.Protobuf.WellKnownTypes.Timestamp? to)
    {
        if (from is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} >= $from");
            args.Add(("$from", ProtocolEvents.UnixMs(from)));
        }

        if (to is not null)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} <= $to");
            args.Add(("$to", ProtocolEvents.UnixMs(to)));
        }
    }
}
