namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>
/// Keyed work (an orchestration instance or an entity) held by one worker: at most one per key at a time, so an
/// instance's episodes and an entity's operations never run side by side.
/// </summary>
internal sealed class HeldWork<T>(string id, string token, WorkerStream stream)
    where T : class
{
    public string Id { get; } = id;

    public string Token { get; } = token;

    public WorkerStream Stream { get; } = stream;

    /// <summary>What was sent to the worker; null while it is being loaded.</summary>
    public T? Sent { get; set; }

    /// <summary>New messages arrived while it was held: run it again afterwards.</summary>
    public bool Dirty { get; set; }

    /// <summary>Its completion is being committed; a dying stream leaves it to finish.</summary>
    public bool Committing { get; set; }

    /// <summary>Its stream died while it was loaded: the loader hands it back instead of sending it.</summary>
    public bool Orphaned { get; set; }
}
