using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>What became of a control message sent to an instance.</summary>
internal enum SendOutcome
{
    Sent,
    NotFound,
    Finished,
    NotFailed,
}

internal sealed partial class SidecarStore
{
    private const string InstanceColumns =
        "InstanceId, ExecutionId, Name, Version, RuntimeStatus, CreatedAt, LastUpdatedAt, CompletedAt, ScheduledStartAt, ParentInstanceId, Tags, HistoryLength, FailureDetails";

    private static readonly string[] s_tables = ["Orchestrations", "OrchestrationHistory", "OrchestrationInbox", "ActivityQueue", "EntityStates", "EntityInbox"];

    private const string PayloadColumns = ", Input, Output, CustomStatus";

    public InstanceRecord? GetInstance(string instanceId, bool withPayloads) => Read((c, tx) => ReadInstance(c, tx, instanceId, withPayloads));

    public Task<CreateOutcome> StartAsync(NewOrchestration instance)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) => CreateOrchestration(c, tx, instance, Now(), notice), notice);
    }

    /// <summary>
    /// Queues an event or a control message (terminate, suspend, resume) for a live instance. Table order:
    /// Orchestrations (read), OrchestrationInbox.
    /// </summary>
    public Task<SendOutcome> SendAsync(string instanceId, Func<long, P.HistoryEvent> message) =>
        SendAsync(instanceId, (instance, now) => new OrchestrationMessage(instanceId, null, message(now), now));

    /// <summary>Asks a failed instance's worker to rewind it (the worker answers with the history to resume from).</summary>
    public Task<SendOutcome> RewindAsync(string instanceId, string? reason) =>
        SendAsync(instanceId, (instance, now) => instance.Status != P.OrchestrationStatus.Failed ? null
            : new OrchestrationMessage(instanceId, instance.ExecutionId, ProtocolEvents.Rewound(reason, null, now), now), deliverToFinished: true);

    /// <summary>Sends what <paramref name="message"/> makes of the instance (null: it is not in a state that takes it).</summary>
    private Task<SendOutcome> SendAsync(string instanceId, Func<InstanceRecord, long, OrchestrationMessage?> message, bool deliverToFinished = false)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            long now = Now();
            InstanceRecord? instance = ReadInstance(c, tx, instanceId, withPayloads: false);
            if (instance is null)
            {
                return SendOutcome.NotFound;
            }

            if (message(instance, now) is not { } m)
            {
                return SendOutcome.NotFailed;
            }

            if (!deliverToFinished)
            {
                return SendToOrchestration(c, tx, m, notice) ? SendOutcome.Sent : SendOutcome.Finished;
            }

            Exec(c, tx, InsertInboxSql, ("$id", m.InstanceId), ("$ex", m.ExecutionId), ("$v", m.VisibleAt), ("$e", Bytes(m.Event)));
            notice.Orchestration(m.InstanceId, m.VisibleAt);
            return SendOutcome.Sent;
        }, notice);
    }

    public List<P.HistoryEvent>? ReadHistory(string instanceId, string? executionId) => Read((c, tx) =>
    {
        InstanceRecord? instance = ReadInstance(c, tx, instanceId, withPayloads: false);
        if (instance is null)
        {
            return null;
        }

        return executionId is { Length: > 0 } && executionId != instance.ExecutionId ? [] : ReadHistory(c, tx, instanceId);
    });

    internal static List<P.HistoryEvent> ReadHistory(SqliteConnection c, SqliteTransaction tx, string instanceId)
    {
        var list = new List<P.HistoryEvent>();
        using SqliteCommand q = Command(c, tx, "SELECT Event FROM OrchestrationHistory WHERE InstanceId = $id ORDER BY SequenceNumber", ("$id", instanceId));
        using SqliteDataReader r = q.ExecuteReader();
        while (r.Read())
        {
            list.Add(ReadEvent(r, 0));
        }

        return list;
    }

    internal static InstanceRecord? ReadInstance(SqliteConnection c, SqliteTransaction tx, string instanceId, bool withPayloads)
    {
        using SqliteCommand q = Command(c, tx, $"SELECT {InstanceColumns}{(withPayloads ? PayloadColumns : string.Empty)} FROM Orchestrations WHERE InstanceId = $id", ("$id", instanceId));
        using SqliteDataReader r = q.ExecuteReader();
        return r.Read() ? ToInstance(r, withPayloads) : null;
    }

    internal static InstanceRecord ToInstance(SqliteDataReader r, bool withPayloads) => new(
        InstanceId: r.GetString(0),
        ExecutionId: r.GetString(1),
        Name: r.GetString(2),
        Version: Text(r, 3),
        Status: (P.OrchestrationStatus)r.GetInt32(4),
        CreatedAt: r.GetInt64(5),
        LastUpdatedAt: r.GetInt64(6),
        CompletedAt: Long(r, 7),
        ScheduledStartAt: Long(r, 8),
        Input: withPayloads ? Text(r, 13) : null,
        Output: withPayloads ? Text(r, 14) : null,
        CustomStatus: withPayloads ? Text(r, 15) : null,
        Failure: r.IsDBNull(12) ? null : P.TaskFailureDetails.Parser.ParseFrom(r.GetFieldValue<byte[]>(12)),
        ParentInstanceId: Text(r, 9),
        Tags: Text(r, 10),
        HistoryLength: r.GetInt32(11));

    /// <summary>Empties the task hub (every instance, queue and entity). Table order: all of the sidecar's tables.</summary>
    public Task DeleteAllAsync() => WriteAsync((c, tx) =>
    {
        foreach (string table in s_tables)
        {
            Exec(c, tx, $"DELETE FROM {table}");
        }

        History.Clear();
        return 0;
    });
}
