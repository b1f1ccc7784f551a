namespace BatchEmbed.Domain.Batches;

/// <summary>
/// Everything known about one batch, keyed by our batch id. Immutable: <see cref="MoveTo"/> returns the next value and
/// refuses illegal moves, so the entity that holds it can never record an impossible history.
/// </summary>
public sealed record BatchSummary
{
    public required string BatchId { get; init; }

    public required BatchKind Kind { get; init; }

    public required string Collection { get; init; }

    public required string Fingerprint { get; init; }

    public required string Model { get; init; }

    public required string Endpoint { get; init; }

    /// <summary>Where the batch input file is kept (a blob path).</summary>
    public required string InputPath { get; init; }

    public BatchStatus Status { get; init; } = BatchStatus.Planned;

    public string? ProviderBatchId { get; init; }

    public string? InputFileId { get; init; }

    public string? OutputFileId { get; init; }

    public string? ErrorFileId { get; init; }

    public int Requests { get; init; }

    public long Tokens { get; init; }

    public RequestCounts? Counts { get; init; }

    public long? ActualInputTokens { get; init; }

    public long? ActualOutputTokens { get; init; }

    public decimal EstimatedUsd { get; init; }

    public decimal? ActualUsd { get; init; }

    /// <summary>Set when the batch is ingested.</summary>
    public IngestCounts? Ingest { get; init; }

    public int Attempt { get; init; } = 1;

    /// <summary>When it last entered Queued (waiting for room under the enqueued-token limit).</summary>
    public DateTimeOffset? QueuedAt { get; init; }

    /// <summary>How often the provider refused it for its enqueued-token limit (never counted against its items).</summary>
    public int QuotaRefusals { get; init; }

    /// <summary>The orchestration that last took it from the queue to create it (so a taker that ended without finishing is seen).</summary>
    public string? DequeuedBy { get; init; }

    /// <summary>Provider batches refused for that limit: never ours again (their late polls are ignored, a search skips them).</summary>
    public IReadOnlyList<string> RefusedProviderBatchIds { get; init; } = [];

    public IReadOnlyList<string> Errors { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }

    public DateTimeOffset? TerminalAt { get; init; }

    public DateTimeOffset? IngestedAt { get; init; }

    /// <summary>The next value, with timestamps set; throws <see cref="InvalidBatchTransitionException"/> on an illegal move.</summary>
    public BatchSummary MoveTo(BatchStatus next, DateTimeOffset at)
    {
        BatchTransitions.EnsureCanMove(BatchId, Status, next);
        if (next == Status)
        {
            return this;
        }

        return this with
        {
            Status = next,
            UpdatedAt = at,
            SubmittedAt = next == BatchStatus.Submitted ? at : SubmittedAt,
            TerminalAt = BatchTransitions.IsTerminal(next) ? at : TerminalAt,
            IngestedAt = next == BatchStatus.Ingested ? at : IngestedAt,
        };
    }
}
