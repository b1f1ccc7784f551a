using BatchEmbed.DurableTask.Sidecar.Store;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>An activity invocation held by a worker.</summary>
internal sealed record InFlightActivity(string Token, WorkerStream Stream, QueuedActivity Item);

/// <summary>A completion that doesn't match an outstanding work item: answered FailedPrecondition, never applied.</summary>
internal sealed class CompletionRefusedException(string message) : Exception(message);
