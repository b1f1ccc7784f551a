using System.Text.Json;

namespace BatchEmbed.DurableTask.Entities;

/// <summary>An entity's stored state and bookkeeping.</summary>
public sealed record EntityMetadata(EntityInstanceId Id)
{
    public DateTimeOffset LastModifiedTime { get; init; }

    public int BacklogQueueSize { get; init; }

    public string? LockedBy { get; init; }

    public string? SerializedState { get; init; }

    public bool IncludesState { get; init; }

    public T? ReadStateAs<T>() => SerializedState is null ? default : JsonSerializer.Deserialize<T>(SerializedState, DataConverter.Options);
}

/// <summary>Filters for listing entities.</summary>
public record EntityQuery(string? InstanceIdStartsWith = null, DateTimeOffset? LastModifiedFrom = null, DateTimeOffset? LastModifiedTo = null, bool IncludeState = true, int PageSize = 100, string? ContinuationToken = null);
