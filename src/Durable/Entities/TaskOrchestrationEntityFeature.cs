namespace BatchEmbed.DurableTask.Entities;

/// <summary>How an orchestration talks to entities: calls (two-way, awaited) and signals (one-way).</summary>
public abstract class TaskOrchestrationEntityFeature
{
    public abstract Task<TResult> CallEntityAsync<TResult>(EntityInstanceId id, string operationName, object? input = null, CallEntityOptions? options = null);

    public virtual Task CallEntityAsync(EntityInstanceId id, string operationName, object? input = null, CallEntityOptions? options = null) =>
        CallEntityAsync<object?>(id, operationName, input, options);

    public abstract Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null);
}
