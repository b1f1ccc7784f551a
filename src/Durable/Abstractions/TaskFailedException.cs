namespace BatchEmbed.DurableTask;

/// <summary>An activity or sub-orchestration failed. The message format matches the Durable Task SDK.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails?.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails ?? throw new ArgumentNullException(nameof(failureDetails));
    }

    public TaskFailedException()
    {
        TaskName = string.Empty;
        FailureDetails = new TaskFailureDetails("Unknown", string.Empty);
    }

    public TaskFailedException(string message)
        : base(message)
    {
        TaskName = string.Empty;
        FailureDetails = new TaskFailureDetails("Unknown", message);
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TaskName = string.Empty;
        FailureDetails = TaskFailureDetails.FromException(innerException);
    }

    public string TaskName { get; }

    public int TaskId { get; }

    public TaskFailureDetails FailureDetails { get; }
}
