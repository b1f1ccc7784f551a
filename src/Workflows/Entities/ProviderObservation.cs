using BatchEmbed.Domain.Batches;

namespace BatchEmbed.Workflows.Entities;

/// <summary>A batch as the provider last reported it (PollBatch's answer, and SubmitBatch's).</summary>
public sealed record ProviderObservation(
    string ProviderBatchId,
    string Status,
    string? InputFileId,
    string? OutputFileId,
    string? ErrorFileId,
    int Total,
    int Completed,
    int Failed,
    long? InputTokens,
    long? OutputTokens,
    IReadOnlyList<string> Errors,
    DateTimeOffset At);

/// <summary>Why a batch was never created.</summary>
public sealed record SubmitFailure(string Reason, DateTimeOffset At);

/// <summary>What StoreResults (or StoreAnswers) did with a terminal batch.</summary>
/// <param name="Verdicts">For a completion batch: the labels it settled, by verdict.</param>
public sealed record IngestOutcome(
    int ItemsSucceeded,
    int ItemsRequeued,
    int ItemsFailed,
    long Vectors,
    long PromptTokens,
    decimal ActualUsd,
    IReadOnlyList<string> Problems,
    DateTimeOffset At,
    long CompletionTokens = 0,
    VerdictCounts? Verdicts = null);

/// <summary>Who takes a queued batch for creation (an orchestration instance id), and when.</summary>
public sealed record DequeueRequest(string Owner, DateTimeOffset At);
