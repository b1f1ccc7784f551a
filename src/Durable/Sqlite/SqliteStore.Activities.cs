using BatchEmbed.DurableTask.History;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sqlite;

internal sealed partial class SqliteStore
{
    /// <summary>
    /// Leases up to <paramref name="max"/> activity work items. Table order: NewTasks.
    /// Lease rule: an item is free when unleased or its lease expired; each lease adds one to DequeueCount.
    /// </summary>
    public Task<List<ActivityWorkItem>> LockNextActivitiesAsync(string workerId, int max, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            long now = Ms(DateTime.UtcNow);
            var items = new List<ActivityWorkItem>(max);
            using SqliteCommand cmd = Command(c, tx,
                """
                UPDATE NewTasks SET LockedBy = $me, LockExpiration = $exp, DequeueCount = DequeueCount + 1
                WHERE SequenceNumber IN (
                    SELECT SequenceNumber FROM NewTasks
                    WHERE VisibleAt <= $now AND (LockedBy IS NULL OR LockExpiration < $now)
                    ORDER BY SequenceNumber LIMIT $max)
                RETURNING SequenceNumber, InstanceId, ExecutionId, TaskId, Name, Input, DequeueCount
                """,
                ("$me", workerId), ("$exp", now + (long)Options.LockTimeout.TotalMilliseconds), ("$now", now), ("$max", max));
            using SqliteDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                items.Add(new ActivityWorkItem(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetInt32(6)));
            }

            items.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return items;
        }, signal: false, cancellationToken);
    }

    /// <summary>Extends the leases of running activities. Table order: NewTasks.</summary>
    public Task RenewActivitiesAsync(IReadOnlyCollection<long> sequences, string workerId, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            long exp = Ms(DateTime.UtcNow) + (long)Options.LockTimeout.TotalMilliseconds;
            foreach (long seq in sequences)
            {
                Exec(c, tx, "UPDATE NewTasks SET LockExpiration = $exp WHERE SequenceNumber = $s AND LockedBy = $me", ("$exp", exp), ("$s", seq), ("$me", workerId));
            }

            return 0;
        }, signal: false, cancellationToken);
    }

    /// <summary>
    /// Delivers activity results. Table order: NewTasks (delete), Instances (read), NewEvents (insert).
    /// A result is accepted only if its work item still exists (it is still outstanding: not already completed by another
    /// delivery) and its instance is Running or Suspended in the same execution; otherwise it is dropped as a duplicate.
    /// </summary>
    public Task<int> CompleteActivitiesAsync(IReadOnlyList<(ActivityWorkItem Item, HistoryEvent Result)> results, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            long now = Ms(DateTime.UtcNow);
            int accepted = 0;
            foreach ((ActivityWorkItem item, HistoryEvent result) in results)
            {
                if (Exec(c, tx, "DELETE FROM NewTasks WHERE SequenceNumber = $s", ("$s", item.Sequence)) == 0)
                {
                    continue;
                }

                using SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus, ExecutionId FROM Instances WHERE InstanceId = $id", ("$id", item.InstanceId));
                using SqliteDataReader r = q.ExecuteReader();
                if (!r.Read())
                {
                    continue;
                }

                var status = (OrchestrationRuntimeStatus)r.GetInt32(0);
                if (status is not (OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended) || r.GetString(1) != item.ExecutionId)
                {
                    continue;
                }

                r.Close();
                Enqueue(c, tx, item.InstanceId, item.ExecutionId, result, now);
                accepted++;
            }

            return accepted;
        }, signal: true, cancellationToken);
    }
}
