using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask;

/// <summary>Source-generated log messages of the durable backend (2xxx) and the in-process model (1xxx), with stable event ids. Payloads are never logged.</summary>
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

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Durable backend started on {Database}: {Orchestrations} orchestrations and {Entities} entities with queued messages")]
    public static partial void BackendStarted(ILogger logger, string database, int orchestrations, int entities);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Worker stream {Stream} connected (orchestrations {Orchestrations}, activities {Activities}, entities {Entities} at most)")]
    public static partial void StreamConnected(ILogger logger, long stream, int orchestrations, int activities, int entities);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Worker stream {Stream} closed; {Released} work items it held go to other workers")]
    public static partial void StreamClosed(ILogger logger, long stream, int released);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Dispatching {Kind} {Id} failed; it is retried")]
    public static partial void DispatchFailed(ILogger logger, string kind, string id, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Refused a {Kind} completion: {Reason}")]
    public static partial void CompletionRefused(ILogger logger, string kind, string reason);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Entity {EntityId} batch failed in the worker and is retried: {Reason}")]
    public static partial void EntityBatchFailed(ILogger logger, string entityId, string reason);
}
