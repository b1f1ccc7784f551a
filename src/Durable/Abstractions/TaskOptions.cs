namespace BatchEmbed.DurableTask;

/// <summary>Options for scheduling an activity or sub-orchestration.</summary>
public record TaskOptions(TaskRetryOptions? Retry = null, IDictionary<string, string>? Tags = null)
{
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    public SubOrchestrationOptions WithInstanceId(string instanceId) => new(this, instanceId);
}

/// <summary>Retries by policy. (Retry handlers of the SDK are not supported by this runtime.)</summary>
public sealed record TaskRetryOptions(RetryPolicy Policy)
{
    public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);
}

/// <summary>Options for a sub-orchestration, including its instance id (default: a deterministic new GUID).</summary>
public record SubOrchestrationOptions : TaskOptions
{
    public SubOrchestrationOptions(TaskOptions? options = null, string? instanceId = null)
        : base(options?.Retry, options?.Tags)
    {
        InstanceId = instanceId;
    }

    public string? InstanceId { get; init; }
}

/// <summary>Options for starting an orchestration.</summary>
public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>Options for terminating an instance.</summary>
public record TerminateInstanceOptions(object? Output = null, bool Recursive = false);

/// <summary>Options for purging an instance.</summary>
public record PurgeInstanceOptions(bool Recursive = false);

/// <summary>Which instances a bulk purge removes.</summary>
public record PurgeInstancesFilter(DateTimeOffset? CreatedFrom = null, DateTimeOffset? CreatedTo = null, IEnumerable<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>How many instances a purge removed.</summary>
public sealed record PurgeResult(int PurgedInstanceCount, bool? IsComplete = true);
