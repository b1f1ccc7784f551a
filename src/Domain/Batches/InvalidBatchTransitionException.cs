namespace BatchEmbed.Domain.Batches;

/// <summary>A batch was asked to move to a status it cannot reach from where it is.</summary>
public sealed class InvalidBatchTransitionException : InvalidOperationException
{
    public InvalidBatchTransitionException(string batchId, BatchStatus from, BatchStatus to)
        : base($"Batch '{batchId}' cannot move from {from} to {to}.")
    {
        BatchId = batchId;
        From = from;
        To = to;
    }

    public InvalidBatchTransitionException()
    {
        BatchId = string.Empty;
    }

    public InvalidBatchTransitionException(string message)
        : base(message)
    {
        BatchId = string.Empty;
    }

    public InvalidBatchTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        BatchId = string.Empty;
    }

    public string BatchId { get; }

    public BatchStatus From { get; }

    public BatchStatus To { get; }
}
