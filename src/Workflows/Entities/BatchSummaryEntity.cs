using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Quota;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Entities;

/// <summary>
/// One batch's summary, keyed by our batch id. Every change goes through <see cref="BatchSummary.MoveTo"/>, so the
/// entity never records an impossible history; observations that arrive late (a status older than the one held) are
/// ignored rather than failing the caller.
/// </summary>
public sealed class BatchSummaryEntity : TaskEntity<BatchSummary?>
{
    public const string Name = "BatchSummary";

    private const int MaxErrorsKept = 20;

    public static EntityInstanceId Id(string batchId) => new(Name, batchId);

    /// <summary>No summary until Plan: a default record would look like a batch with every field missing.</summary>
    protected override BatchSummary? InitializeState(TaskEntityOperation entityOperation) => null;

    /// <summary>Records a planned batch; a second Plan for the same id keeps the first (retries are harmless).</summary>
    public BatchSummary Plan(BatchSummary planned)
    {
        State ??= planned;
        return State;
    }

    public BatchSummary? Get() => State;

    /// <summary>
    /// Takes a Queued batch for creation (Queued → Planned) for the orchestration <see cref="DequeueRequest.Owner"/>;
    /// true only for the caller that moved it, so two drains of the queue never create the same batch.
    /// </summary>
    public bool Dequeue(DequeueRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State is not { Status: BatchStatus.Queued } s)
        {
            return false;
        }

        State = s.MoveTo(BatchStatus.Planned, request.At) with { DequeuedBy = request.Owner };
        return true;
    }

    /// <summary>
    /// Puts back a batch whose taker ended before creating it (terminated or failed): Planned → Queued, only while it
    /// is still Planned for that same taker. True when it moved.
    /// </summary>
    public bool Reclaim(DequeueRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State is not { Status: BatchStatus.Planned } s || s.DequeuedBy != request.Owner)
        {
            return false;
        }

        State = s.MoveTo(BatchStatus.Queued, request.At) with { DequeuedBy = null, QueuedAt = request.At, Errors = Merge(s.Errors, [$"requeued: {request.Owner} ended before creating it"]) };
        return true;
    }

    /// <summary>Cancels a batch still waiting in the queue (never created): Queued → Cancelled; ingest then frees its items.</summary>
    public BatchSummary CancelQueued(DateTimeOffset at)
    {
        BatchSummary s = Require();
        if (s.Status == BatchStatus.Queued)
        {
            State = s.MoveTo(BatchStatus.Cancelled, at) with { Errors = Merge(s.Errors, ["cancelled while queued"]) };
        }

        return State!;
    }

    public BatchSummary Observe(ProviderObservation observation)
    {
        BatchSummary s = Require();
        if (s.Status == BatchStatus.Ingested)
        {
            return s;
        }

        if (s.RefusedProviderBatchIds.Contains(observation.ProviderBatchId))
        {
            return s; // a late poll of a provider batch that was refused and replaced
        }

        if (observation.Status == "failed" && EnqueuedLimitRefusal.IsRefusal(observation.Errors))
        {
            return Requeue(s, observation);
        }

        if (s.Status == BatchStatus.Queued)
        {
            return s; // a late observation of a batch already put back in the queue
        }

        BatchStatus next = BatchTransitions.FromProvider(observation.Status);
        if (s.Status == BatchStatus.Planned)
        {
            s = s.MoveTo(BatchStatus.Submitted, observation.At);
        }

        if (BatchTransitions.CanMove(s.Status, next))
        {
            s = s.MoveTo(next, observation.At);
        }

        State = s with
        {
            ProviderBatchId = observation.ProviderBatchId,
            InputFileId = observation.InputFileId ?? s.InputFileId,
            OutputFileId = observation.OutputFileId ?? s.OutputFileId,
            ErrorFileId = observation.ErrorFileId ?? s.ErrorFileId,
            Counts = new RequestCounts(observation.Total, observation.Completed, observation.Failed),
            ActualInputTokens = observation.InputTokens ?? s.ActualInputTokens,
            ActualOutputTokens = observation.OutputTokens ?? s.ActualOutputTokens,
            Errors = Merge(s.Errors, observation.Errors),
            UpdatedAt = observation.At,
        };
        return State;
    }

    /// <summary>The batch could not be created (refused, or out of retries): Planned → Failed, with the reason.</summary>
    public BatchSummary FailSubmit(SubmitFailure failure)
    {
        BatchSummary s = Require();
        if (s.Status != BatchStatus.Planned)
        {
            return s;
        }

        State = s.MoveTo(BatchStatus.Failed, failure.At) with { Errors = Merge(s.Errors, [failure.Reason]) };
        return State;
    }

    public BatchSummary Ingested(IngestOutcome outcome)
    {
        BatchSummary s = Require();
        if (s.Status == BatchStatus.Ingested)
        {
            return s;
        }

        State = s.MoveTo(BatchStatus.Ingested, outcome.At) with
        {
            ActualUsd = outcome.ActualUsd,
            ActualInputTokens = s.ActualInputTokens ?? outcome.PromptTokens,
            ActualOutputTokens = s.ActualOutputTokens ?? (outcome.CompletionTokens > 0 ? outcome.CompletionTokens : null),
            Errors = Merge(s.Errors, outcome.Problems),
            Ingest = new IngestCounts(outcome.ItemsSucceeded, outcome.ItemsRequeued, outcome.ItemsFailed, outcome.Vectors, outcome.Verdicts),
        };
        return State;
    }

    /// <summary>
    /// Refused for the provider's enqueued-token limit: not the items' fault. Back to the queue with the reason and the
    /// input file kept; the refused provider batch is forgotten (a new one is created when room frees). A refusal that
    /// arrives for a batch already queued, or one past the provider's queue, changes nothing.
    /// </summary>
    private BatchSummary Requeue(BatchSummary s, ProviderObservation observation)
    {
        if (s.Status == BatchStatus.Queued || !BatchTransitions.CanMove(s.Status, BatchStatus.Queued))
        {
            return s;
        }

        State = s.MoveTo(BatchStatus.Queued, observation.At) with
        {
            ProviderBatchId = null,
            Counts = null,
            QueuedAt = observation.At,
            QuotaRefusals = s.QuotaRefusals + 1,
            RefusedProviderBatchIds = string.IsNullOrEmpty(observation.ProviderBatchId) ? s.RefusedProviderBatchIds : [.. s.RefusedProviderBatchIds.TakeLast(49), observation.ProviderBatchId],
            InputFileId = observation.InputFileId ?? s.InputFileId,
            Errors = Merge(s.Errors, observation.Errors),
        };
        return State;
    }

    private BatchSummary Require() =>
        State ?? throw new InvalidOperationException($"Batch summary '{Context.Id.Key}' does not exist (it was never planned, or it was deleted).");

    private static List<string> Merge(IReadOnlyList<string> kept, IReadOnlyList<string> more) =>
        kept.Concat(more).Distinct(StringComparer.Ordinal).Take(MaxErrorsKept).ToList();
}
