namespace BatchEmbed.Domain.Batches;

/// <summary>
/// The legal moves of a batch. Polls can skip states (a batch first seen as completed jumped over in_progress), so any
/// forward move through validating, in_progress and finalizing is legal; backwards moves and moves out of a terminal
/// state are not. Re-reporting the current status is a no-op, not an error. Queued is the one way back: a batch
/// waits there for room under the enqueued-token limit, leaves it (to Planned) when it is admitted, and returns to it
/// when the provider refuses it for that limit (at create, or when it fails validation with token_limit_exceeded).
/// </summary>
public static class BatchTransitions
{
    private static readonly Dictionary<BatchStatus, BatchStatus[]> s_allowed = new()
    {
        [BatchStatus.Planned] = [BatchStatus.Queued, BatchStatus.Submitted, BatchStatus.Failed, BatchStatus.Cancelled],
        [BatchStatus.Queued] = [BatchStatus.Planned, BatchStatus.Cancelled],
        [BatchStatus.Submitted] = [BatchStatus.Queued, BatchStatus.Validating, BatchStatus.InProgress, BatchStatus.Finalizing, .. Ends(), BatchStatus.Cancelling],
        [BatchStatus.Validating] = [BatchStatus.Queued, BatchStatus.InProgress, BatchStatus.Finalizing, .. Ends(), BatchStatus.Cancelling],
        [BatchStatus.InProgress] = [BatchStatus.Finalizing, .. Ends(), BatchStatus.Cancelling],
        [BatchStatus.Finalizing] = [.. Ends(), BatchStatus.Cancelling],
        [BatchStatus.Cancelling] = [BatchStatus.Cancelled, BatchStatus.Completed, BatchStatus.Expired, BatchStatus.Failed],
        [BatchStatus.Completed] = [BatchStatus.Ingested],
        [BatchStatus.Failed] = [BatchStatus.Ingested],
        [BatchStatus.Expired] = [BatchStatus.Ingested],
        [BatchStatus.Cancelled] = [BatchStatus.Ingested],
        [BatchStatus.Ingested] = [],
    };

    /// <summary>Provider-terminal: results (if any) are ready to ingest.</summary>
    public static bool IsTerminal(BatchStatus status) =>
        status is BatchStatus.Completed or BatchStatus.Failed or BatchStatus.Expired or BatchStatus.Cancelled;

    /// <summary>Still at the provider: worth polling.</summary>
    public static bool IsOpen(BatchStatus status) =>
        status is BatchStatus.Submitted or BatchStatus.Validating or BatchStatus.InProgress or BatchStatus.Finalizing or BatchStatus.Cancelling;

    public static bool CanMove(BatchStatus from, BatchStatus to) => from == to || s_allowed[from].Contains(to);

    /// <exception cref="InvalidBatchTransitionException">The move is not legal.</exception>
    public static void EnsureCanMove(string batchId, BatchStatus from, BatchStatus to)
    {
        if (!CanMove(from, to))
        {
            throw new InvalidBatchTransitionException(batchId, from, to);
        }
    }

    /// <summary>Maps the Batch API's status string; throws on a value the API does not define.</summary>
    public static BatchStatus FromProvider(string status) => status switch
    {
        "validating" => BatchStatus.Validating,
        "in_progress" => BatchStatus.InProgress,
        "finalizing" => BatchStatus.Finalizing,
        "completed" => BatchStatus.Completed,
        "failed" => BatchStatus.Failed,
        "expired" => BatchStatus.Expired,
        "cancelling" => BatchStatus.Cancelling,
        "cancelled" => BatchStatus.Cancelled,
        _ => throw new ArgumentException($"Unknown batch status '{status}' from the provider.", nameof(status)),
    };

    private static BatchStatus[] Ends() => [BatchStatus.Completed, BatchStatus.Failed, BatchStatus.Expired, BatchStatus.Cancelled];
}
