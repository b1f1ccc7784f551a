namespace BatchEmbed.Domain.Batches;

/// <summary>Our view of a batch: the provider's statuses plus Planned, Submitted and Ingested.</summary>
public enum BatchStatus
{
    Planned,
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
