namespace BatchEmbed.DurableTask;

/// <summary>No orchestration instance has the given id.</summary>
public sealed class OrchestrationNotFoundException : InvalidOperationException
{
    public OrchestrationNotFoundException(string instanceId)
        : base($"No orchestration instance with id '{instanceId}' exists.")
    {
        InstanceId = instanceId;
    }

    public OrchestrationNotFoundException()
    {
        InstanceId = string.Empty;
    }

    public OrchestrationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
        InstanceId = string.Empty;
    }

    public string InstanceId { get; }
}
