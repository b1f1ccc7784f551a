using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Store;

/// <summary>What a committed write made ready (or changed); the dispatcher routes it after the commit.</summary>
internal sealed class WorkNotice
{
    /// <summary>Orchestrations with a new message, and when it becomes visible (Unix ms).</summary>
    public List<(string InstanceId, long VisibleAt)> Orchestrations { get; } = [];

    /// <summary>Entities with a new message, and when it becomes visible (Unix ms).</summary>
    public List<(string EntityId, long VisibleAt)> Entities { get; } = [];

    /// <summary>Activity invocations newly queued, in queue order.</summary>
    public List<QueuedActivity> Activities { get; } = [];

    /// <summary>Instances whose status or history changed, for clients waiting on them.</summary>
    public HashSet<string> ChangedInstances { get; } = new(StringComparer.Ordinal);

    public void Orchestration(string instanceId, long visibleAt) => Orchestrations.Add((instanceId, visibleAt));

    public void Entity(string entityId, long visibleAt) => Entities.Add((entityId, visibleAt));
}

/// <summary>One row of the activity queue.</summary>
internal sealed record QueuedActivity(long Sequence, P.ActivityRequest Request);
