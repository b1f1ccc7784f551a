using BatchEmbed.DurableTask.Entities;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Core;

internal sealed partial class OrchestrationExecutor
{
    private interface IOpenTask
    {
        bool IsCancelled { get; }

        void SetResult(string? json);

        void SetFailure(TaskFailureDetails failure);
    }

    /// <summary>An outstanding activity, sub-orchestration or timer, completed from history.</summary>
    private sealed class OpenTask<T>(string name, int id) : IOpenTask
    {
        private readonly TaskCompletionSource<T> _tcs = new();

        public Task<T> Task => _tcs.Task;

        public bool IsCancelled { get; private set; }

        public void SetResult(string? json) => _tcs.TrySetResult(DataConverter.Deserialize<T>(json)!);

        public void SetFailure(TaskFailureDetails failure) => _tcs.TrySetException(new TaskFailedException(name, id, failure));

        public void Cancel()
        {
            IsCancelled = true;
            _tcs.TrySetCanceled();
        }
    }

    private abstract class EventWaiter
    {
        public abstract bool IsDone { get; }

        public abstract bool TryDeliver(string? json);
    }

    private sealed class EventWaiter<T> : EventWaiter
    {
        private readonly TaskCompletionSource<T> _tcs = new();

        public Task<T> Task => _tcs.Task;

        public override bool IsDone => _tcs.Task.IsCompleted;

        public override bool TryDeliver(string? json) => !_tcs.Task.IsCompleted && _tcs.TrySetResult(DataConverter.Deserialize<T>(json)!);

        public void Cancel() => _tcs.TrySetCanceled();
    }

    private sealed class EntityFeature(OrchestrationExecutor executor) : TaskOrchestrationEntityFeature
    {
        public override Task<TResult> CallEntityAsync<TResult>(EntityInstanceId id, string operationName, object? input = null, CallEntityOptions? options = null)
        {
            var tcs = new TaskCompletionSource<TResult>();
            executor.CallEntity(id, operationName, input, signal: false, due: null, response =>
            {
                if (response.FailureDetails is { } failure)
                {
                    tcs.TrySetException(new EntityOperationFailedException(id, operationName, failure));
                }
                else
                {
                    tcs.TrySetResult(DataConverter.Deserialize<TResult>(response.Result)!);
                }
            });
            return tcs.Task;
        }

        public override Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null)
        {
            executor.CallEntity(id, operationName, input, signal: true, due: options?.SignalTime?.UtcDateTime, onResponse: null);
            return Task.CompletedTask;
        }
    }

    /// <summary>Logs only when not replaying, so each message appears once however often the code is replayed.</summary>
    private sealed class ReplaySafeLogger(OrchestrationExecutor executor, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !executor.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!executor.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
