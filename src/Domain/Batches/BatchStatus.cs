namespace BatchEmbed.Domain.Batches;

/// <summary>
/// Our view of a batch: the provider's statuses plus Planned, Queued (waiting for room under the provider's
/// enqueued-token limit), Submitted and Ingested.
/// </summary>
public enum BatchStatus
{
    Planned,
    Queued,
    Submitted,
    Validating,
    InProgress,
    Finalizing,
    Completed,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
    Ingested,
}
