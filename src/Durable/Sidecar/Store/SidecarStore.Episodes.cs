using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>A message waiting in an orchestration's inbox.</summary>
internal sealed record InboxMessage(long Sequence, P.HistoryEvent Event);

/// <summary>What an orchestration episode runs against: the instance, its history, and its visible new messages.</summary>
internal sealed record OrchestrationSnapshot(InstanceRecord Instance, List<P.HistoryEvent> History, List<InboxMessage> Messages, List<long> Stale, bool More);

internal sealed partial class SidecarStore
{
    /// <summary>
    /// Reads an instance, its history (from the cache when it is current) and up to <paramref name="maxEvents"/> visible
    /// inbox messages in arrival order, in one read transaction. Messages bound to an older execution come back as stale.
    /// </summary>
    public OrchestrationSnapshot? LoadOrchestration(string instanceId, long now, int maxEvents)
    {
        return Read((c, tx) =>
        {
            InstanceRecord? instance = ReadInstance(c, tx, instanceId, withPayloads: false);
            if (instance is null)
            {
                return null;
            }

            if (!History.TryGet(instanceId, instance.ExecutionId, instance.HistoryLength, out List<P.HistoryEvent> history))
            {
                history = ReadHistory(c, tx, instanceId);
                if (history.Count == instance.HistoryLength)
                {
                    History.Put(instanceId, instance.ExecutionId, history);
                }
            }

            var messages = new List<InboxMessage>();
            var stale = new List<long>();
            int read = 0;
            using (SqliteCommand q = Command(c, tx,
                "SELECT SequenceNumber, ExecutionId, Event FROM OrchestrationInbox WHERE InstanceId = $id AND VisibleAt <= $now ORDER BY SequenceNumber LIMIT $max",
                ("$id", instanceId), ("$now", now), ("$max", maxEvents + 1)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                while (r.Read() && read++ < maxEvents)
                {
                    string? boundTo = Text(r, 1);
                    if (boundTo is not null && boundTo != instance.ExecutionId)
                    {
                        stale.Add(r.GetInt64(0));
                    }
                    else
                    {
                        messages.Add(new InboxMessage(r.GetInt64(0), ReadEvent(r, 2)));
                    }
                }
            }

            return new OrchestrationSnapshot(instance, history, messages, stale, read > maxEvents);
        });
    }

    /// <summary>
    /// Commits an episode. Table order: Orchestrations, OrchestrationInbox, OrchestrationHistory, ActivityQueue, then
    /// the messages' targets (Orchestrations, OrchestrationInbox, EntityStates, EntityInbox). Refused (nothing written)
    /// if the instance's execution or history length is no longer what the episode ran against.
    /// </summary>
    public async Task<bool> CommitEpisodeAsync(EpisodeCommit commit)
    {
        var notice = new WorkNotice();
        string executionId = commit.NextExecutionId ?? commit.ExecutionId;
        bool accepted = await WriteAsync((c, tx) =>
        {
            long now = Now();
            using (SqliteCommand q = Command(c, tx, "SELECT ExecutionId, HistoryLength FROM Orchestrations WHERE InstanceId = $id", ("$id", commit.InstanceId)))
            using (SqliteDataReader r = q.ExecuteReader())
            {
                if (!r.Read() || r.GetString(0) != commit.ExecutionId || r.GetInt32(1) != commit.HistoryLength)
                {
                    return false;
                }
            }

            foreach (long seq in commit.Consumed)
            {
                Exec(c, tx, "DELETE FROM OrchestrationInbox WHERE SequenceNumber = $s", ("$s", seq));
            }

            int length = WriteHistory(c, tx, commit);
            bool continued = commit.NextExecutionId is not null && !commit.ReplaceHistory;
            Exec(c, tx,
                """
                UPDATE Orchestrations SET ExecutionId = $ex, RuntimeStatus = $st, LastUpdatedAt = $now, HistoryLength = $len,
                    CompletedAt = CASE WHEN $term = 1 THEN $now ELSE NULL END, Output = $out, FailureDetails = $fail, CustomStatus = $cs,
                    Input = CASE WHEN $can = 1 THEN $in ELSE Input END, Version = CASE WHEN $can = 1 THEN $ver ELSE Version END
                WHERE InstanceId = $id
                """,
                ("$ex", executionId), ("$st", (int)commit.Status), ("$now", now), ("$len", length), ("$term", commit.IsTerminal ? 1 : 0),
                ("$out", commit.Output), ("$fail", commit.Failure is null ? null : Bytes(commit.Failure)), ("$cs", commit.CustomStatus),
                ("$can", continued ? 1 : 0), ("$in", commit.NextInput), ("$ver", commit.NextVersion), ("$id", commit.InstanceId));

            if (commit.IsTerminal || continued)
            {
                Exec(c, tx, "DELETE FROM ActivityQueue WHERE InstanceId = $id", ("$id", commit.InstanceId));
                Exec(c, tx, commit.IsTerminal
                    ? "DELETE FROM OrchestrationInbox WHERE InstanceId = $id"
                    : "DELETE FROM OrchestrationInbox WHERE InstanceId = $id AND ExecutionId = $old",
                    ("$id", commit.InstanceId), ("$old", commit.ExecutionId));
            }

            foreach (P.ActivityRequest request in commit.Activities)
            {
                using SqliteCommand insert = Command(c, tx,
                    "INSERT INTO ActivityQueue (InstanceId, ExecutionId, TaskId, Request) VALUES ($id, $ex, $t, $r) RETURNING SequenceNumber",
                    ("$id", commit.InstanceId), ("$ex", executionId), ("$t", request.TaskId), ("$r", Bytes(request)));
                notice.Activities.Add(new QueuedActivity((long)insert.ExecuteScalar()!, request));
            }

            RouteOutbound(c, tx, commit, executionId, now, notice);
            notice.ChangedInstances.Add(commit.InstanceId);
            return true;
        }, notice);

        if (!accepted)
        {
            return false;
        }

        if (commit.ReplaceHistory)
        {
            History.Put(commit.InstanceId, executionId, [.. commit.History]);
        }
        else if (commit.NextExecutionId is not null || commit.IsTerminal)
        {
            History.Evict(commit.InstanceId);
        }
        else
        {
            History.Appended(commit.InstanceId, executionId, commit.HistoryLength, commit.History);
        }

        return true;
    }

    private static int WriteHistory(SqliteConnection c, SqliteTransaction tx, EpisodeCommit commit)
    {
        int start = commit.HistoryLength;
        if (commit.ReplaceHistory || commit.NextExecutionId is not null)
        {
            Exec(c, tx, "DELETE FROM OrchestrationHistory WHERE InstanceId = $id", ("$id", commit.InstanceId));
            if (!commit.ReplaceHistory)
            {
                return 0; // continue-as-new: the next execution's history starts with its own first episode
            }

            start = 0;
        }

        using SqliteCommand insert = Command(c, tx, "INSERT INTO OrchestrationHistory (InstanceId, SequenceNumber, Event) VALUES ($id, $seq, $e)",
            ("$id", commit.InstanceId), ("$seq", 0), ("$e", Array.Empty<byte>()));
        int seq = start;
        foreach (P.HistoryEvent e in commit.History)
        {
            insert.Parameters["$seq"].Value = seq++;
            insert.Parameters["$e"].Value = Bytes(e);
            insert.ExecuteNonQuery();
        }

        return seq;
    }

    private void RouteOutbound(SqliteConnection c, SqliteTransaction tx, EpisodeCommit commit, string executionId, long now, WorkNotice notice)
    {
        foreach (OrchestrationMessage m in commit.Messages)
        {
            SendToOrchestration(c, tx, m, notice);
        }

        foreach (EntityMessage m in commit.EntityMessages)
        {
            SendToEntity(c, tx, m, now, notice);
        }

        foreach (NewOrchestration child in commit.Children)
        {
            CreateOutcome outcome = CreateOrchestration(c, tx, child, now, notice);
            if (!outcome.Created)
            {
                P.TaskFailureDetails failure = ProtocolEvents.Failure(
                    "InvalidOperationException", $"A sub-orchestration with instance id '{child.InstanceId}' already exists and is {outcome.Existing}.", nonRetriable: true);
                SendToOrchestration(c, tx, new OrchestrationMessage(commit.InstanceId, executionId, ProtocolEvents.ChildFailed(child.Parent!.TaskScheduledId, failure, now), now), notice);
            }
        }

        if (commit.IsTerminal)
        {
            ReleaseLocksHeldBy(c, tx, commit.InstanceId, now, notice);
            if (commit.TerminateChildren)
            {
                foreach (string child in RunningChildren(c, tx, commit.InstanceId))
                {
                    SendToOrchestration(c, tx, new OrchestrationMessage(child, null, ProtocolEvents.Terminated(commit.TerminateChildrenReason, recurse: true, now), now), notice);
                }
            }
        }

        foreach (string child in commit.RewindChildren)
        {
            using SqliteCommand q = Command(c, tx, "SELECT RuntimeStatus FROM Orchestrations WHERE InstanceId = $id", ("$id", child));
            if (q.ExecuteScalar() is long status && (P.OrchestrationStatus)status == P.OrchestrationStatus.Failed)
            {
                Exec(c, tx, InsertInboxSql, ("$id", child), ("$ex", null), ("$v", now), ("$e", Bytes(ProtocolEvents.Rewound("The parent orchestration was rewound.", executionId, now))));
                notice.Orchestration(child, now);
            }
        }
    }

    private static List<string> RunningChildren(SqliteConnection c, SqliteTransaction tx, string parentId)
    {
        var ids = new List<string>();
        using SqliteCommand q = Command(c, tx, $"SELECT InstanceId FROM Orchestrations WHERE ParentInstanceId = $p AND RuntimeStatus NOT IN ({Statuses.TerminalSql})", ("$p", parentId));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    /// <summary>Drops inbox rows no episode will take (stale, or for a finished instance). Table order: OrchestrationInbox.</summary>
    public Task DropMessagesAsync(IReadOnlyCollection<long> sequences) => WriteAsync((c, tx) =>
    {
        foreach (long seq in sequences)
        {
            Exec(c, tx, "DELETE FROM OrchestrationInbox WHERE SequenceNumber = $s", ("$s", seq));
        }

        return 0;
    });

    /// <summary>
    /// Terminates an instance that never started (its start is scheduled later), without a worker: nothing of it has run.
    /// Table order: Orchestrations, OrchestrationInbox.
    /// </summary>
    public Task TerminateUnstartedAsync(string instanceId, string executionId, string? output)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            long now = Now();
            int changed = Exec(c, tx,
                "UPDATE Orchestrations SET RuntimeStatus = $st, Output = $out, LastUpdatedAt = $now, CompletedAt = $now WHERE InstanceId = $id AND ExecutionId = $ex AND HistoryLength = 0",
                ("$st", (int)P.OrchestrationStatus.Terminated), ("$out", output), ("$now", now), ("$id", instanceId), ("$ex", executionId));
            if (changed > 0)
            {
                Exec(c, tx, "DELETE FROM OrchestrationInbox WHERE InstanceId = $id", ("$id", instanceId));
                notice.ChangedInstances.Add(instanceId);
            }

            return changed;
        }, notice);
    }

    /// <summary>
    /// Terminates a live instance at once, without its worker (which may be gone): no episode runs. Its queues are
    /// cleared, its parent told, its entity locks freed. Table order: Orchestrations, OrchestrationHistory (read),
    /// OrchestrationInbox, ActivityQueue, then the targets. False when it is missing or already finished.
    /// </summary>
    public Task<bool> ForceTerminateAsync(string instanceId, string? reason)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            long now = Now();
            InstanceRecord? instance = ReadInstance(c, tx, instanceId, withPayloads: false);
            if (instance is null || instance.IsTerminal)
            {
                return false;
            }

            Exec(c, tx, "UPDATE Orchestrations SET RuntimeStatus = $st, Output = $out, LastUpdatedAt = $now, CompletedAt = $now WHERE InstanceId = $id",
                ("$st", (int)P.OrchestrationStatus.Terminated), ("$out", reason), ("$now", now), ("$id", instanceId));
            Exec(c, tx, "DELETE FROM OrchestrationInbox WHERE InstanceId = $id", ("$id", instanceId));
            Exec(c, tx, "DELETE FROM ActivityQueue WHERE InstanceId = $id", ("$id", instanceId));
            if (ReadHistory(c, tx, instanceId).Select(e => e.ExecutionStarted).FirstOrDefault(e => e is not null)?.ParentInstance is { OrchestrationInstance: { } parent } info)
            {
                P.TaskFailureDetails failure = ProtocolEvents.Failure("TaskTerminated", $"The sub-orchestration '{instanceId}' was terminated: {reason ?? "no reason given"}", nonRetriable: true);
                SendToOrchestration(c, tx, new OrchestrationMessage(parent.InstanceId, string.IsNullOrEmpty(parent.ExecutionId) ? null : parent.ExecutionId, ProtocolEvents.ChildFailed(info.TaskScheduledId, failure, now), now), notice);
            }

            ReleaseLocksHeldBy(c, tx, instanceId, now, notice);
            History.Evict(instanceId);
            notice.ChangedInstances.Add(instanceId);
            return true;
        }, notice);
    }
}
