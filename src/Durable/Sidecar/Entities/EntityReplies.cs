using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Entities;

/// <summary>Replies to an orchestration (operation results, lock grants), in the form its SDK takes them.</summary>
internal static class EntityReplies
{
    public static P.HistoryEvent Completed(ReplyForm form, string requestId, string? output, long now)
    {
        if (form == ReplyForm.ExternalEvents)
        {
            return ProtocolEvents.EventRaised(requestId, LegacyEntityMessages.Completed(output), now);
        }

        P.HistoryEvent e = ProtocolEvents.New(now);
        e.EntityOperationCompleted = new P.EntityOperationCompletedEvent { RequestId = requestId, Output = output };
        return e;
    }

    public static P.HistoryEvent Failed(ReplyForm form, string requestId, P.TaskFailureDetails failure, long now)
    {
        if (form == ReplyForm.ExternalEvents)
        {
            return ProtocolEvents.EventRaised(requestId, LegacyEntityMessages.Failed(failure), now);
        }

        P.HistoryEvent e = ProtocolEvents.New(now);
        e.EntityOperationFailed = new P.EntityOperationFailedEvent { RequestId = requestId, FailureDetails = failure };
        return e;
    }

    public static P.HistoryEvent LockGranted(ReplyForm form, string criticalSectionId, long now)
    {
        if (form == ReplyForm.ExternalEvents)
        {
            return ProtocolEvents.EventRaised(criticalSectionId, LegacyEntityMessages.LockGranted(), now);
        }

        P.HistoryEvent e = ProtocolEvents.New(now);
        e.EntityLockGranted = new P.EntityLockGrantedEvent { CriticalSectionId = criticalSectionId };
        return e;
    }
}
