namespace BatchEmbed.DurableTask.Entities;

/// <summary>An entity operation called from an orchestration threw.</summary>
public sealed class EntityOperationFailedException : Exception
{
    public EntityOperationFailedException(EntityInstanceId entityId, string operationName, TaskFailureDetails failureDetails)
        : base($"Operation '{operationName}' of entity '{entityId}' failed: {failureDetails?.ErrorMessage}")
    {
        EntityId = entityId;
        OperationName = operationName;
        FailureDetails = failureDetails!;
    }

    public EntityOperationFailedException()
    {
        OperationName = string.Empty;
        FailureDetails = new TaskFailureDetails("Unknown", string.Empty);
    }

    public EntityOperationFailedException(string message)
        : base(message)
    {
        OperationName = string.Empty;
        FailureDetails = new TaskFailureDetails("Unknown", message);
    }

    public EntityOperationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        OperationName = string.Empty;
        FailureDetails = TaskFailureDetails.FromException(innerException);
    }

    public EntityInstanceId EntityId { get; }

    public string OperationName { get; }

    public TaskFailureDetails FailureDetails { get; }
}
