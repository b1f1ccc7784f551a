using Microsoft.Data.Sqlite;
using static BatchEmbed.DurableTask.Sqlite.SqliteCommands;

namespace BatchEmbed.DurableTask.Sidecar.Store;

internal sealed partial class SidecarStore
{
    /// <summary>
    /// Everything queued in the file when the backend starts: each orchestration and entity with messages, at every
    /// time one becomes visible (so timers set before a restart fire after it). Activities are read by the dispatcher
    /// from the queue itself.
    /// </summary>
    public WorkNotice Recover() => Read((c, tx) =>
    {
        var notice = new WorkNotice();
        using (SqliteCommand q = Command(c, tx, "SELECT DISTINCT InstanceId, VisibleAt FROM OrchestrationInbox"))
        using (SqliteDataReader r = q.ExecuteReader())
        {
            while (r.Read())
            {
                notice.Orchestration(r.GetString(0), r.GetInt64(1));
            }
        }

        using (SqliteCommand q = Command(c, tx, "SELECT DISTINCT EntityId, VisibleAt FROM EntityInbox"))
        using (SqliteDataReader r = q.ExecuteReader())
        {
            while (r.Read())
            {
                notice.Entity(r.GetString(0), r.GetInt64(1));
            }
        }

        return notice;
    });
}
