namespace BatchEmbed.DurableTask;

/// <summary>What failed and why, carried from an activity, sub-orchestration or entity to the orchestration that called it.</summary>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    TaskFailureDetails? InnerFailure = null,
    IDictionary<string, object?>? Properties = null)
{
    /// <summary>True when this failure, or one it wraps, was an exception of type <typeparamref name="T"/>.</summary>
    public bool IsCausedBy<T>()
        where T : Exception
    {
        string name = typeof(T).FullName!;
        for (TaskFailureDetails? d = this; d is not null; d = d.InnerFailure)
        {
            if (string.Equals(d.ErrorType, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a retry cannot help (for example the payload is over the limit).</summary>
    public bool IsNonRetriable => Properties is not null && Properties.TryGetValue("nonRetriable", out object? v) && v is true;

    public static TaskFailureDetails FromException(Exception ex, bool includeStack = true)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex is TaskFailedException tfe)
        {
            // As in the SDK: the orchestration's failure is the TaskFailedException, wrapping the task's own failure.
            return new TaskFailureDetails(typeof(TaskFailedException).FullName!, tfe.Message, includeStack ? tfe.StackTrace : null, tfe.FailureDetails);
        }

        return new TaskFailureDetails(
            ex.GetType().FullName ?? ex.GetType().Name,
            ex.Message,
            includeStack ? ex.StackTrace : null,
            ex.InnerException is null ? null : FromException(ex.InnerException, includeStack),
            ex is PayloadTooLargeException ? new Dictionary<string, object?> { ["nonRetriable"] = true } : null);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
