using BatchEmbed.DurableTask.History;
using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sqlite;

internal sealed partial class SqliteStore
{
    private const int MaxEventsPerEpisode = 1000;

    /// <summary>
    /// Locks the instance with the oldest visible message. Table order: Instances (lock), NewEvents (read).
    /// Lease rule: an instance is free when unlocked or its lock has expired; a Suspended instance is taken only for
    /// Resume or Terminate. Terminal instances are taken too, so late messages are drained and dropped.
    /// </summary>
    public Task<OrchestrationWorkItem?> LockNextOrchestrationAsync(string workerId, CancellationToken cancellationToken)
    {
        return WriteAsync<OrchestrationWorkItem?>((c, tx) =>
        {
            long now = Ms(DateTime.UtcNow);
            string instanceId, executionId, name;
            OrchestrationRuntimeStatus status;
            string? parentId, parentExecution, parentName;
            int? parentTask;
            using (SqliteCommand lk = Command(c, tx,
                """
                UPDATE Instances SET LockedBy = $me, LockExpiration = $exp
                WHERE InstanceId = (
                    SELECT e.InstanceId FROM NewEvents e JOIN Instances i ON i.InstanceId = e.InstanceId
                    WHERE e.VisibleAt <= $now AND (i.LockedBy IS NULL OR i.LockExpiration < $now)
                      AND (i.RuntimeStatus <> 7 OR e.EventType IN ('ExecutionResumed', 'ExecutionTerminated'))
                    ORDER BY e.VisibleAt, e.SequenceNumber LIMIT 1)
                RETURNING InstanceId, ExecutionId, Name, RuntimeStatus, ParentInstanceId, ParentExecutionId, ParentTaskId, ParentName
                """,
                ("$me", workerId), ("$exp", now + (long)Options.LockTimeout.TotalMilliseconds), ("$now", now)))
            using (SqliteDataReader r = lk.ExecuteReader())
            {
                if (!r.Read())
                {
                    return null;
                }

                instanceId = r.GetString(0);
                executionId = r.GetString(1);
                name = r.GetString(2);
                status = (OrchestrationRuntimeStatus)r.GetInt32(3);
                parentId = r.IsDBNull(4) ? null : r.GetString(4);
                parentExecution = r.IsDBNull(5) ? null : r.GetString(5);
                parentTask = r.IsDBNull(6) ? null : r.GetInt32(6);
                parentName = r.IsDBNull(7) ? null : r.GetString(7);
            }

            var events = new List<(long, HistoryEvent)>();
            using (SqliteCommand q = Command(c, tx,
                "SELECT SequenceNumber, Event FROM NewEvents WHERE InstanceId = $id AND VisibleAt <= $now ORDER BY SequenceNumber LIMIT $max",
                ("$id", instanceId), ("$now", now), ("$max", MaxEventsPerEpisode)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                while (r.Read())
                {
                    events.Add((r.GetInt64(0), HistoryEvent.FromJson(r.GetString(1))));
                }
            }

            int count;
            using (SqliteCommand q = Command(c, tx, "SELECT COUNT(*) FROM History WHERE InstanceId = $id AND ExecutionId = $ex", ("$id", instanceId), ("$ex", executionId)))
            {
                count = (int)(long)q.ExecuteScalar()!;
            }

            return new OrchestrationWorkItem(instanceId, executionId, name, status, parentId, parentExecution, parentName, parentTask, events, count);
        }, signal: false, cancellationToken);
    }

    /// <summary>The history of one execution, oldest first; null means the instance's current execution.</summary>
    public List<HistoryEvent> ReadHistory(string instanceId, string? executionId = null)
    {
        return Read(c =>
        {
            var list = new List<HistoryEvent>();
            using SqliteCommand q = Command(c, null,
                "SELECT Event FROM History WHERE InstanceId = $id AND ExecutionId = COALESCE($ex, (SELECT ExecutionId FROM Instances WHERE InstanceId = $id)) ORDER BY SequenceNumber",
                ("$id", instanceId), ("$ex", executionId));
            using SqliteDataReader r = q.ExecuteReader();
            while (r.Read())
            {
                list.Add(HistoryEvent.FromJson(r.GetString(0)));
            }

            return list;
        });
    }

    /// <summary>
    /// Commits an episode. Table order: Instances, History, NewTasks, NewEvents (own, then others'), Entities.
    /// Lease rule: only the lock holder commits; if the lock was lost (expired and taken), nothing is written.
    /// </summary>
    public Task<bool> CompleteEpisodeAsync(EpisodeCommit commit, string workerId, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) =>
        {
            OrchestrationWorkItem w = commit.WorkItem;
            long now = Ms(DateTime.UtcNow);
            using (SqliteCommand owns = Command(c, tx, "SELECT 1 FROM Instances WHERE InstanceId = $id AND LockedBy = $me AND ExecutionId = $ex", ("$id", w.InstanceId), ("$me", workerId), ("$ex", w.ExecutionId)))
            {
                if (owns.ExecuteScalar() is null)
                {
                    return false;
                }
            }

            string executionId = w.ExecutionId;
            int sequence = w.HistoryCount;
            foreach (HistoryEvent e in commit.NewHistory)
            {
                Exec(c, tx, "INSERT INTO History (InstanceId, ExecutionId, SequenceNumber, EventType, Event) VALUES ($id, $ex, $seq, $t, $e)",
                    ("$id", w.InstanceId), ("$ex", executionId), ("$seq", sequence++), ("$t", e.EventType.ToString()), ("$e", e.ToJson()));
            }

            foreach (long seq in commit.ConsumedEvents)
            {
                Exec(c, tx, "DELETE FROM NewEvents WHERE SequenceNumber = $s", ("$s", seq));
            }

            bool terminal = commit.NewStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
            if (commit.ContinueAsNew)
            {
                // A new execution: old history goes, so an eternal loop's history stays bounded.
                Exec(c, tx, "DELETE FROM History WHERE InstanceId = $id", ("$id", w.InstanceId));
                Exec(c, tx, "DELETE FROM NewTasks WHERE InstanceId = $id", ("$id", w.InstanceId));
                executionId = Guid.NewGuid().ToString("N");
                var next = new NewInstance(w.Name, w.InstanceId, commit.ContinueAsNewInput, null, w.ParentInstanceId, w.ParentExecutionId, w.ParentName, w.ParentTaskId);
                Enqueue(c, tx, w.InstanceId, executionId, ExecutionStarted(next, executionId, now), now);
                foreach (HistoryEvent carried in commit.CarriedEvents)
                {
                    Enqueue(c, tx, w.InstanceId, null, carried, now);
                }
            }

            Exec(c, tx,
                """
                UPDATE Instances SET ExecutionId = $ex, RuntimeStatus = $st, LastUpdatedAt = $now, LockedBy = NULL, LockExpiration = NULL,
                    Input = CASE WHEN $can = 1 THEN $in ELSE Input END,
                    Output = $out, FailureDetails = $fail,
                    CustomStatus = CASE WHEN $csc = 1 THEN $cs ELSE CustomStatus END,
                    CompletedAt = CASE WHEN $term = 1 THEN $now ELSE NULL END
                WHERE InstanceId = $id
                """,
                ("$ex", executionId), ("$st", (int)commit.NewStatus), ("$now", now), ("$can", commit.ContinueAsNew ? 1 : 0), ("$in", commit.ContinueAsNewInput),
                ("$out", commit.Output), ("$fail", commit.Failure is null ? null : DataConverter.Serialize(commit.Failure)),
                ("$csc", commit.CustomStatusChanged ? 1 : 0), ("$cs", commit.CustomStatus), ("$term", terminal ? 1 : 0), ("$id", w.InstanceId));

            if (terminal)
            {
                Exec(c, tx, "DELETE FROM NewTasks WHERE InstanceId = $id", ("$id", w.InstanceId));
                Exec(c, tx, "DELETE FROM NewEvents WHERE InstanceId = $id AND EventType = 'TimerFired'", ("$id", w.InstanceId));
            }

            if (!commit.ContinueAsNew)
            {
                foreach ((int taskId, string name, string? input) in commit.Activities)
                {
                    Exec(c, tx, "INSERT INTO NewTasks (InstanceId, ExecutionId, TaskId, Name, Input, VisibleAt) VALUES ($id, $ex, $tid, $n, $in, $now)",
                        ("$id", w.InstanceId), ("$ex", executionId), ("$tid", taskId), ("$n", name), ("$in", input), ("$now", now));
                }

                foreach ((int timerId, DateTime fireAt) in commit.Timers)
                {
                    var fired = new HistoryEvent(EventType.TimerFired, -1, fireAt) { TaskScheduledId = timerId, FireAt = fireAt, ExecutionId = executionId };
                    Enqueue(c, tx, w.InstanceId, executionId, fired, Ms(fireAt));
                }

                foreach (NewInstance child in commit.SubOrchestrations)
                {
                    if (!CreateInstance(c, tx, child with { ParentExecutionId = executionId }, now))
                    {
                        var failed = new HistoryEvent(EventType.SubOrchestrationInstanceFailed, -1, FromMs(now).UtcDateTime)
                        {
                            TaskScheduledId = child.ParentTaskId,
                            ExecutionId = executionId,
                            FailureDetails = new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"An instance with id '{child.InstanceId}' is already pending or running."),
                        };
                        Enqueue(c, tx, w.InstanceId, executionId, failed, now);
                    }
                }
            }

            foreach (OutboundMessage m in commit.Messages)
            {
                Route(c, tx, m, now);
            }

            if (terminal && w.ParentInstanceId is not null && w.ParentTaskId is not null)
            {
                var toParent = new HistoryEvent(
                    commit.NewStatus == OrchestrationRuntimeStatus.Completed ? EventType.SubOrchestrationInstanceCompleted : EventType.SubOrchestrationInstanceFailed, -1, FromMs(now).UtcDateTime)
                {
                    TaskScheduledId = w.ParentTaskId,
                    ExecutionId = w.ParentExecutionId,
                    Result = commit.NewStatus == OrchestrationRuntimeStatus.Completed ? commit.Output : null,
                    FailureDetails = commit.NewStatus == OrchestrationRuntimeStatus.Completed ? null
                        : commit.Failure ?? new TaskFailureDetails("Terminated", $"Sub-orchestration '{w.InstanceId}' was terminated: {commit.Output}"),
                };
                Enqueue(c, tx, w.ParentInstanceId, w.ParentExecutionId, toParent, now);
            }

            return true;
        }, signal: true, cancellationToken);
    }

    /// <summary>Releases a lock without committing, so the messages are retried (after a crash of the episode, say).</summary>
    public Task AbandonOrchestrationAsync(string instanceId, string workerId, CancellationToken cancellationToken)
    {
        return WriteAsync((c, tx) => Exec(c, tx, "UPDATE Instances SET LockedBy = NULL, LockExpiration = NULL WHERE InstanceId = $id AND LockedBy = $me", ("$id", instanceId), ("$me", workerId)), signal: true, cancellationToken);
    }
}
