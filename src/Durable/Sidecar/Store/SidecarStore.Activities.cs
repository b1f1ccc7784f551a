using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

internal sealed partial class SidecarStore
{
    /// <summary>Reads queued activity invocations after <paramref name="afterSequence"/>, in queue order.</summary>
    public List<QueuedActivity> LoadActivities(long afterSequence, int max)
    {
        return Read((c, tx) =>
        {
            var list = new List<QueuedActivity>();
            using SqliteCommand q = Command(c, tx, "SELECT SequenceNumber, Request FROM ActivityQueue WHERE SequenceNumber > $after ORDER BY SequenceNumber LIMIT $max",
                ("$after", afterSequence), ("$max", max));
            using SqliteDataReader r = q.ExecuteReader();
            while (r.Read())
            {
                list.Add(new QueuedActivity(r.GetInt64(0), P.ActivityRequest.Parser.ParseFrom(r.GetFieldValue<byte[]>(1))));
            }

            return list;
        });
    }

    /// <summary>
    /// Delivers an activity's result. Table order: ActivityQueue, Orchestrations (read), OrchestrationInbox. Accepted only
    /// while the invocation is still queued (so not yet completed by another delivery) for the same instance and task; the
    /// queue row goes in the same transaction that queues the result, so a result is delivered once.
    /// </summary>
    public Task<bool> CompleteActivityAsync(long sequence, string instanceId, int taskId, Func<long, P.HistoryEvent> result)
    {
        var notice = new WorkNotice();
        return WriteAsync((c, tx) =>
        {
            string executionId;
            using (SqliteCommand q = Command(c, tx, "DELETE FROM ActivityQueue WHERE SequenceNumber = $s AND InstanceId = $id AND TaskId = $t RETURNING ExecutionId",
                ("$s", sequence), ("$id", instanceId), ("$t", taskId)))
            {
                if (q.ExecuteScalar() is not string ex)
                {
                    return false;
                }

                executionId = ex;
            }

            long now = Now();
            SendToOrchestration(c, tx, new OrchestrationMessage(instanceId, executionId, result(now), now), notice);
            return true;
        }, notice);
    }
}
