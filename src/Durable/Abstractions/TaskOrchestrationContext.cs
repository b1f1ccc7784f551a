using BatchEmbed.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask;

/// <summary>
/// What an orchestrator sees. The abstract core is small; the overloads mirror the Durable Task SDK. Orchestrator code
/// must take time, ids, timers and I/O only from here: it is replayed from history.
/// </summary>
public abstract class TaskOrchestrationContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    public abstract ParentOrchestrationInstance? Parent { get; }

    public abstract bool IsReplaying { get; }

    public abstract DateTime CurrentUtcDateTime { get; }

    public virtual string Version => string.Empty;

    public abstract TaskOrchestrationEntityFeature Entities { get; }

    public abstract T? GetInput<T>();

    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    public virtual Task CallActivityAsync(TaskName name, TaskOptions options) => CallActivityAsync(name, null, options);

    public virtual Task<TResult> CallActivityAsync<TResult>(TaskName name, TaskOptions options) => CallActivityAsync<TResult>(name, null, options);

    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    public virtual Task CallSubOrchestratorAsync(TaskName orchestratorName, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for the event or a durable timer, whichever comes first; throws <see cref="TimeoutException"/> on the timer.</summary>
    public virtual async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<T> evt = WaitForExternalEvent<T>(eventName, cts.Token);
        Task timer = CreateTimer(timeout, cts.Token);
        Task winner = await Task.WhenAny(evt, timer);
        // Cancel synchronously: CancelAsync would resume this method off the orchestration thread.
#pragma warning disable CA1849
        cts.Cancel();
#pragma warning restore CA1849
        if (winner == evt)
        {
            return await evt;
        }

        throw new TimeoutException($"Event '{eventName}' was not received within {timeout}.");
    }

    public abstract void SendEvent(string instanceId, string eventName, object payload);

    public abstract void SetCustomStatus(object? customStatus);

    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic GUID (UUID v5 over instance id, current time and a counter), the same on every replay.</summary>
    public abstract Guid NewGuid();

    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    public virtual ILogger CreateReplaySafeLogger(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return CreateReplaySafeLogger(type.FullName ?? type.Name);
    }

    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));
}

/// <summary>The orchestration that started this one as a sub-orchestration.</summary>
public sealed record ParentOrchestrationInstance(TaskName Name, string InstanceId);
