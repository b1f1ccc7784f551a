using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>The result of creating an instance: created, or refused because one with its id exists in a status that stays.</summary>
internal readonly record struct CreateOutcome(bool Created, P.OrchestrationStatus? Existing);

internal sealed partial class SidecarStore
{
    private const string InsertInboxSql = "INSERT INTO OrchestrationInbox (InstanceId, ExecutionId, VisibleAt, Event) VALUES ($id, $ex, $v, $e)";

    /// <summary>
    /// Queues a message for an orchestration in the caller's transaction. Table order: Orchestrations (read),
    /// OrchestrationInbox. A message for a missing or finished instance, or for another execution than the one it is
    /// bound to, is dropped (as Durable Task drops events sent to instances that are gone).
    /// </summary>
    private static bool SendToOrchestration(SqliteConnection c, SqliteTransaction tx, OrchestrationMessage m, WorkNotice notice)
    {
        using (SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus, ExecutionId FROM Orchestrations WHERE InstanceId = $id", ("$id", m.InstanceId)))
        using (SqliteDataReader r = q.ExecuteReader())
        {
            if (!r.Read() || Statuses.IsTerminal((P.OrchestrationStatus)r.GetInt32(0)) || (m.ExecutionId is not null && r.GetString(1) != m.ExecutionId))
            {
                return false;
            }
        }

        Exec(c, tx, InsertInboxSql, ("$id", m.InstanceId), ("$ex", m.ExecutionId), ("$v", m.VisibleAt), ("$e", Bytes(m.Event)));
        notice.Orchestration(m.InstanceId, m.VisibleAt);
        return true;
    }

    /// <summary>Queues a message for an entity, creating the entity on its first message. Table order: EntityStates, EntityInbox.</summary>
    private static void SendToEntity(SqliteConnection c, SqliteTransaction tx, EntityMessage m, long now, WorkNotice notice)
    {
        Exec(c, tx, "INSERT OR IGNORE INTO EntityStates (InstanceId, LastModifiedAt) VALUES ($id, $now)", ("$id", m.EntityId), ("$now", now));
        Exec(c, tx, "INSERT INTO EntityInbox (EntityId, VisibleAt, ReplyForm, Message) VALUES ($id, $v, $f, $m)",
            ("$id", m.EntityId), ("$v", m.VisibleAt), ("$f", (int)m.ReplyForm), ("$m", Bytes(m.Event)));
        notice.Entity(m.EntityId, m.VisibleAt);
    }

    /// <summary>
    /// Creates an instance, or overwrites one whose status the request lets it replace (by default a finished one; a
    /// Pending, Running or Suspended instance is never replaced unless asked). The check and the write are one
    /// transaction, so two starts of one id can't both win. Table order: Orchestrations, OrchestrationHistory,
    /// OrchestrationInbox, ActivityQueue.
    /// </summary>
    private CreateOutcome CreateOrchestration(SqliteConnection c, SqliteTransaction tx, NewOrchestration n, long now, WorkNotice notice)
    {
        using (SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus FROM Orchestrations WHERE InstanceId = $id", ("$id", n.InstanceId)))
        {
            if (q.ExecuteScalar() is long existing)
            {
                var status = (P.OrchestrationStatus)existing;
                bool replaceable = n.ReplaceableStatuses?.Contains(status) ?? Statuses.IsTerminal(status);
                if (!replaceable)
                {
                    return new CreateOutcome(false, status);
                }

                DeleteInstanceRows(c, tx, n.InstanceId);
            }
        }

        string executionId = Guid.NewGuid().ToString("N");
        Exec(c, tx,
            """
            INSERT INTO Orchestrations (InstanceId, ExecutionId, Name, Version, RuntimeStatus, CreatedAt, LastUpdatedAt, ScheduledStartAt, Input, ParentInstanceId, Tags)
            VALUES ($id, $ex, $name, $ver, $st, $now, $now, $at, $in, $parent, $tags)
            """,
            ("$id", n.InstanceId), ("$ex", executionId), ("$name", n.Name), ("$ver", n.Version), ("$st", (int)P.OrchestrationStatus.Pending),
            ("$now", now), ("$at", n.ScheduledStartAt), ("$in", n.Input), ("$parent", n.Parent?.OrchestrationInstance?.InstanceId), ("$tags", TagsJson(n.Tags)));
        long visibleAt = Math.Max(now, n.ScheduledStartAt ?? now);
        Exec(c, tx, InsertInboxSql, ("$id", n.InstanceId), ("$ex", executionId), ("$v", visibleAt), ("$e", Bytes(ProtocolEvents.ExecutionStarted(n.InstanceId, executionId, n, now))));
        notice.Orchestration(n.InstanceId, visibleAt);
        notice.ChangedInstances.Add(n.InstanceId);
        History.Evict(n.InstanceId);
        return new CreateOutcome(true, null);
    }

    /// <summary>Removes an instance and everything queued for it. Table order: Orchestrations, OrchestrationHistory, OrchestrationInbox, ActivityQueue.</summary>
    private void DeleteInstanceRows(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        Exec(c, tx, "DELETE FROM Orchestrations WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM OrchestrationHistory WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM OrchestrationInbox WHERE InstanceId = $id", ("$id", instanceId));
        Exec(c, tx, "DELETE FROM ActivityQueue WHERE InstanceId = $id", ("$id", instanceId));
        History.Evict(instanceId);
    }
}
