using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>Source-generated log messages of the durable runtime, with stable event ids. Payloads are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} ({Name}) failed: {Reason}")]
    public static partial void OrchestrationFailed(ILogger logger, string instanceId, string name, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Dispatcher {Dispatcher} hit an error and will retry")]
    public static partial void DispatcherError(ILogger logger, string dispatcher, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Durable worker {WorkerId} started on {Store}")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string store);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Released {Count} locks held by workers that are no longer running")]
    public static partial void ReleasedDeadLocks(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Entity {EntityId} received operation '{Operation}' but no entity named '{Name}' is registered")]
    public static partial void UnknownEntity(ILogger logger, string entityId, string operation, string name);
}
