using BatchEmbed.DurableTask.Entities;

namespace BatchEmbed.DurableTask;

/// <summary>Signals and reads entities from outside orchestrations.</summary>
public abstract class DurableEntityClient
{
    public abstract Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null, CancellationToken cancellation = default);

    public abstract Task<EntityMetadata?> GetEntityAsync(EntityInstanceId id, bool includeState = true, CancellationToken cancellation = default);

    public virtual async Task<T?> GetEntityStateAsync<T>(EntityInstanceId id, CancellationToken cancellation = default)
    {
        EntityMetadata? e = await GetEntityAsync(id, true, cancellation);
        return e is null ? default : e.ReadStateAs<T>();
    }

    public abstract IAsyncEnumerable<EntityMetadata> GetAllEntitiesAsync(EntityQuery? filter = null);

    public abstract Task<(IReadOnlyList<EntityMetadata> Entities, string? ContinuationToken)> GetEntityPageAsync(EntityQuery query, CancellationToken cancellation = default);
}
