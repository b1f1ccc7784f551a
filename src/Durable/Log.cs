using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask;

/// <summary>Source-generated log messages of the durable backend, with stable event ids. Payloads are never logged.</summary>
internal static partial class Log
{





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
