using System.Text;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>A message waiting in an entity's inbox.</summary>
internal sealed record EntityInboxMessage(long Sequence, P.HistoryEvent Event, ReplyForm ReplyForm);

/// <summary>An entity's state and lock, and its visible messages in arrival order.</summary>
internal sealed record EntitySnapshot(string EntityId, string? State, string? LockOwner, string? LockId, List<EntityInboxMessage> Messages, bool More);

internal sealed partial class SidecarStore
{
    private const string EntityColumns = "InstanceId, State, LastModifiedAt, LockOwner, (SELECT COUNT(*) FROM EntityInbox m WHERE m.EntityId = s.InstanceId)";

    public EntitySnapshot? LoadEntity(string entityId, long now, int max)
    {
        return Read((c, tx) =>
        {
            string? state, owner, lockId;
            using (SqliteCommand q = Command(c, tx, "SELECT State, LockOwner, LockId FROM EntityStates WHERE InstanceId = $id", ("$id", entityId)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                if (!r.Read())
                {
                    return null;
                }

                (state, owner, lockId) = (Text(r, 0), Text(r, 1), Text(r, 2));
            }

            var messages = new List<EntityInboxMessage>();
            using (SqliteCommand q = Command(c, tx,
                "SELECT SequenceNumber, Message, ReplyForm FROM EntityInbox WHERE EntityId = $id AND VisibleAt <= $now ORDER BY SequenceNumber LIMIT $max",
                ("$id", entityId), ("$now", now), ("$max", max + 1)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                while (r.Read())
                {
                    messages.Add(new EntityInboxMessage(r.GetInt64(0), ReadEvent(r, 1), (ReplyForm)r.GetInt32(2)));
                }
            }

            bool more = messages.Count > max;
            if (more)
            {
                messages.RemoveAt(max);
            }

            return new EntitySnapshot(entityId, state, owner, lockId, messages, more);
        });
    }

    /// <summary>
    /// Commits an entity step: consumed messages, new state and lock, replies, signals and starts. Table order:
    /// EntityInbox, EntityStates, then the targets. An entity left with no state, no lock and no messages is removed.
    /// </summary>
    public Task CommitEntityAsync(EntityCommit commit)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            long now = Now();
            foreach (long seq in commit.Consumed)
            {
                Exec(c, tx, "DELETE FROM EntityInbox WHERE SequenceNumber = $s", ("$s", seq));
            }

            Exec(c, tx,
                """
                INSERT INTO EntityStates (InstanceId, State, LastModifiedAt, LockOwner, LockId) VALUES ($id, $s, $now, $lo, $li)
                ON CONFLICT (InstanceId) DO UPDATE SET State = CASE WHEN $sc = 1 THEN $s ELSE State END,
                    LastModifiedAt = CASE WHEN $sc = 1 THEN $now ELSE LastModifiedAt END, LockOwner = $lo, LockId = $li
                """,
                ("$id", commit.EntityId), ("$s", commit.State), ("$now", now), ("$lo", commit.LockOwner), ("$li", commit.LockId), ("$sc", commit.StateChanged ? 1 : 0));
            Exec(c, tx,
                "DELETE FROM EntityStates WHERE InstanceId = $id AND State IS NULL AND LockOwner IS NULL AND NOT EXISTS (SELECT 1 FROM EntityInbox WHERE EntityId = $id)",
                ("$id", commit.EntityId));

            foreach (OrchestrationMessage reply in commit.Replies)
            {
                SendToOrchestration(c, tx, reply, notice);
            }

            foreach (EntityMessage m in commit.Messages)
            {
                SendToEntity(c, tx, m, now, notice);
            }

            foreach (NewOrchestration start in commit.Starts)
            {
                CreateOrchestration(c, tx, start, now, notice);
            }

            return 0;
        }, notice);
    }

    public Task SendToEntityAsync(EntityMessage message)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            SendToEntity(c, tx, message, Now(), notice);
            return 0;
        }, notice);
    }

    /// <summary>Frees the locks an orchestration holds (it ended, perhaps inside a critical section). Table order: EntityStates.</summary>
    private static void ReleaseLocksHeldBy(SqliteConnection c, SqliteTransaction tx, string instanceId, long now, WorkNotice notice)
    {
        using SqliteCommand q = Command(c, tx, "UPDATE EntityStates SET LockOwner = NULL, LockId = NULL WHERE LockOwner = $o RETURNING InstanceId", ("$o", instanceId));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            notice.Entity(r.GetString(0), now);
        }
    }

    public P.EntityMetadata? GetEntity(string entityId, bool includeState) => Read((c, tx) =>
    {
        using SqliteCommand q = Command(c, tx, $"SELECT {EntityColumns} FROM EntityStates s WHERE InstanceId = $id AND State IS NOT NULL", ("$id", entityId));
        using SqliteDataReader r = q.ExecuteReader();
        return r.Read() ? ToEntityMetadata(r, includeState) : null;
    });

    /// <summary>Keyset paging on the entity id; the continuation token is the last id of the page.</summary>
    public (List<P.EntityMetadata> Entities, string? Next) QueryEntities(P.EntityQuery query)
    {
        return Read((c, tx) =>
        {
            var sql = new StringBuilder($"SELECT {EntityColumns} FROM EntityStates s WHERE 1 = 1");
            var args = new List<(string, object?)>();
            if (!query.IncludeTransient)
            {
                sql.Append(" AND State IS NOT NULL");
            }

            if (query.InstanceIdStartsWith is { Length: > 0 } prefix)
            {
                sql.Append(" AND substr(InstanceId, 1, length($p)) = $p");
                args.Add(("$p", prefix.StartsWith('@') ? prefix : "@" + prefix));
            }

            if (query.LastModifiedFrom is { } from)
            {
                sql.Append(" AND LastModifiedAt >= $from");
                args.Add(("$from", ProtocolEvents.UnixMs(from)));
            }

            if (query.LastModifiedTo is { } to)
            {
                sql.Append(" AND LastModifiedAt <= $to");
                args.Add(("$to", ProtocolEvents.UnixMs(to)));
            }

            if (query.ContinuationToken is { Length: > 0 } after)
            {
                sql.Append(" AND InstanceId > $after");
                args.Add(("$after", after));
            }

            int size = Math.Clamp(query.PageSize ?? 100, 1, 1000);
            sql.Append(" ORDER BY InstanceId LIMIT $size");
            args.Add(("$size", size + 1));
            var list = new List<P.EntityMetadata>();
            using SqliteCommand q = Command(c, tx, sql.ToString(), [.. args]);
            using SqliteDataReader r = q.ExecuteReader();
            while (r.Read())
            {
                list.Add(ToEntityMetadata(r, query.IncludeState));
            }

            return Paged(list, size, e => e.InstanceId);
        });
    }

    /// <summary>
    /// Removes entities with no state, lock or messages, and frees locks whose holder is gone or finished, a page of
    /// entities at a time. Table order: EntityStates, Orchestrations (read), EntityInbox (read).
    /// </summary>
    public Task<P.CleanEntityStorageResponse> CleanEntityStorageAsync(P.CleanEntityStorageRequest request)
    {
        const int Page = 1000;
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            long now = Now();
            var result = new P.CleanEntityStorageResponse();
            var page = new List<(string Id, string? State, string? Owner)>();
            using (SqliteCommand q = Command(c, tx, "SELECT InstanceId, State, LockOwner FROM EntityStates WHERE InstanceId > $after ORDER BY InstanceId LIMIT $n",
                ("$after", request.ContinuationToken ?? string.Empty), ("$n", Page)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                while (r.Read())
                {
                    page.Add((r.GetString(0), Text(r, 1), Text(r, 2)));
                }
            }

            foreach ((string id, string? state, string? owner) in page)
            {
                string? lockOwner = owner;
                if (request.ReleaseOrphanedLocks && owner is not null && !IsActive(c, tx, owner))
                {
                    Exec(c, tx, "UPDATE EntityStates SET LockOwner = NULL, LockId = NULL WHERE InstanceId = $id", ("$id", id));
                    result.OrphanedLocksReleased++;
                    notice.Entity(id, now);
                    lockOwner = null;
                }

                if (request.RemoveEmptyEntities && state is null && lockOwner is null
                    && Exec(c, tx, "DELETE FROM EntityStates WHERE InstanceId = $id AND NOT EXISTS (SELECT 1 FROM EntityInbox WHERE EntityId = $id)", ("$id", id)) > 0)
                {
                    result.EmptyEntitiesRemoved++;
                }
            }

            result.ContinuationToken = page.Count == Page ? page[^1].Id : null;
            return result;
        }, notice);
    }

    private static bool IsActive(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        using SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus FROM Orchestrations WHERE InstanceId = $id", ("$id", instanceId));
        return q.ExecuteScalar() is long status && !Statuses.IsTerminal((P.OrchestrationStatus)status);
    }

    private static P.EntityMetadata ToEntityMetadata(SqliteDataReader r, bool includeState) => new()
    {
        InstanceId = r.GetString(0),
        SerializedState = includeState ? Text(r, 1) : null,
        LastModifiedTime = ProtocolEvents.Time(r.GetInt64(2)),
        LockedBy = Text(r, 3),
        BacklogQueueSize = r.GetInt32(4),
    };
}
