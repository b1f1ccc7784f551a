namespace BatchEmbed.DurableTask;

/// <summary>Filters for listing instances; page through with <see cref="ContinuationToken"/>.</summary>
public record OrchestrationQuery(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IEnumerable<OrchestrationRuntimeStatus>? Statuses = null,
    IEnumerable<string>? TaskHubNames = null,
    string? InstanceIdPrefix = null,
    int PageSize = 100,
    bool FetchInputsAndOutputs = false,
    string? ContinuationToken = null);

/// <summary>One page of query results.</summary>
public sealed record OrchestrationPage(IReadOnlyList<OrchestrationMetadata> Values, string? ContinuationToken);
