using BatchEmbed.DurableTask.History;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sqlite;

internal sealed partial class SqliteStore
{
    /// <summary>
    /// Locks the entity with the oldest visible operation. Table order: Entities (lock), NewEvents (read).
    /// Lease rule as for orchestrations: one worker processes an entity at a time, so operations run one by one, in order.
    /// </summary>
    public Task<EntityWorkItem?> LockNextEntityAsync(string workerId, int maxOperations, CancellationToken cancellationToken)
    {
        return WriteAsync<EntityWorkItem?>((c, tx) =>
        {
            long now = Ms(DateTime.UtcNow);
            string id, name, key;
            string? state;
            using (SqliteCommand lk = Command(c, tx,
                """
                UPDATE Entities SET LockedBy = $me, LockExpiration = $exp
                WHERE InstanceId = (
                    SELECT e.InstanceId FROM NewEvents e JOIN Entities n ON n.InstanceId = e.InstanceId
                    WHERE e.VisibleAt <= $now AND (n.LockedBy IS NULL OR n.LockExpiration < $now)
                    ORDER BY e.VisibleAt, e.SequenceNumber LIMIT 1)
                RETURNING InstanceId, Name, Key, State
                """,
                ("$me", workerId), ("$exp", now + (long)Options.LockTimeout.TotalMilliseconds), ("$now", now)))
            using (SqliteDataReader r = lk.ExecuteReader())
            {
                if (!r.Read())
                {
                    return null;
                }

                id = r.GetString(0);
                name = r.GetString(1);
                key = r.GetString(2);
                state = r.IsDBNull(3) ? null : r.GetString(3);
            }

            var events = new List<(long, HistoryEvent)>();
            using SqliteCommand q = Command(c, tx, "SELECT SequenceNumber, Event FROM NewEvents WHERE InstanceId = $id AND VisibleAt <= $now ORDER BY SequenceNumber LIMIT $max",
                ("$id", id), ("$now", now), ("$max", maxOperations));
            using SqliteDataReader rr = q.ExecuteReader();
            while (rr.Read())
            {
                events.Add((rr.GetInt64(0), HistoryEvent.FromJson(rr.GetString(1))));
            }

            return new EntityWorkItem(id, name, key, state, events);
        }, signal: false, cancellationToken);
    }

    /// <summary>
    /// Commits a batch of entity operations: new state, consumed operations, responses and signals, new orchestrations.
    /// Table order: Entities, NewEvents, Instances. Lease rule: only the lock holder commits.
    /// </summary>
    public Task<bool> CompleteEntityAsync(EntityWorkItem item, string? newState, IReadOnlyList<OutboundMessage> messages, IReadOnlyList<NewInstance> starts, string workerId, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            long now = Ms(DateTime.UtcNow);
            if (Exec(c, tx, "UPDATE Entities SET State = $s, LastModifiedAt = $now, LockedBy = NULL, LockExpiration = NULL WHERE InstanceId = $id AND LockedBy = $me",
                ("$s", newState), ("$now", now), ("$id", item.InstanceId), ("$me", workerId)) == 0)
            {
                return false;
            }

            foreach ((long seq, _) in item.NewEvents)
            {
                Exec(c, tx, "DELETE FROM NewEvents WHERE SequenceNumber = $s", ("$s", seq));
            }

            foreach (OutboundMessage m in messages)
            {
                Route(c, tx, m, now);
            }

            foreach (NewInstance start in starts)
            {
                CreateInstance(c, tx, start, now);
            }

            return true;
        }, signal: true, cancellationToken);
    }
}
