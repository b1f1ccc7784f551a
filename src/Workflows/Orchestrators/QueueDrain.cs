using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Submitted">Created at the provider (or embedded synchronously) in this pass.</param>
/// <param name="Refused">Refused for the enqueued-token limit in this pass: back in the queue.</param>
/// <param name="Failed">Could not be created for another reason (their BatchSummary says why).</param>
/// <param name="StillQueued">Waiting for room after this pass.</param>
public sealed record DrainResult(IReadOnlyList<QueuedBatch> Submitted, IReadOnlyList<QueuedBatch> Refused, IReadOnlyList<QueuedBatch> Failed, IReadOnlyList<QueuedBatch> StillQueued)
{
    public IEnumerable<QueuedBatch> Waiting => StillQueued.Concat(Refused);

    /// <summary>How many of one ingest's batches (its kind, and its collection unless null) this pass created, and how many still wait.</summary>
    public (int Submitted, int Waiting) CountFor(BatchKind kind, string? collection)
    {
        string endpoint = BatchEndpoints.For(kind);
        bool Mine(QueuedBatch b) => b.Endpoint == endpoint && (collection is null || b.Collection == collection);
        return (Submitted.Count(Mine), Waiting.Count(Mine));
    }
}

/// <summary>
/// One pass over the queue of batches waiting for room under the provider's enqueued-token limit, run by every
/// submission (after it queues its batches) and every ingest (after it has seen batches finish): the quota entity
/// admits the oldest that fit beside what is enqueued; each admitted batch is taken from the queue by exactly one pass
/// (<see cref="BatchSummaryEntity.Dequeue"/>) and created exactly once (<see cref="SubmitBatch"/>). A refusal for the
/// limit puts the batch back with nothing counted against its items and teaches the entity the limit. A batch taken by
/// an orchestration that ended before creating it (terminated, or failed) is put back first.
/// </summary>
internal static class QueueDrain
{
    private enum Result
    {
        Submitted,
        Refused,
        Failed,
        TakenElsewhere,
    }

    public static async Task<DrainResult> RunAsync(TaskOrchestrationContext context, int maxConcurrency)
    {
        QueueView view = await context.CallActivityAsync<QueueView>(nameof(ListQueuedBatches), null, Retries.Local);
        var reclaimed = new List<QueuedBatch>();
        foreach (QueuedBatch b in view.Queued)
        {
            if (b.OrphanedBy is null || await context.Entities.CallEntityAsync<bool>(BatchSummaryEntity.Id(b.BatchId), nameof(BatchSummaryEntity.Reclaim), new DequeueRequest(b.OrphanedBy, context.UtcNow())))
            {
                reclaimed.Add(b with { OrphanedBy = null });
            }
        }

        view = view with { Queued = reclaimed };
        if (view.Queued.Count == 0)
        {
            return new DrainResult([], [], [], []);
        }

        IReadOnlyList<string> admitted = await context.Entities.CallEntityAsync<IReadOnlyList<string>>(QuotaEntity.Id, nameof(QuotaEntity.Admit),
            new AdmitRequest([.. view.Queued.Select(b => new AdmissionCandidate(b.BatchId, b.Model, b.Tokens))], view.Limits, view.Live, context.UtcNow()));
        var admittedSet = admitted.ToHashSet(StringComparer.Ordinal);
        var chosen = view.Queued.Where(b => admittedSet.Contains(b.BatchId)).ToList();
        IReadOnlyList<Result> results = await FanOut.RunAsync(chosen, maxConcurrency, b => SubmitOne(context, b));
        var outcome = chosen.Zip(results).ToList();
        return new DrainResult(
            [.. outcome.Where(o => o.Second == Result.Submitted).Select(o => o.First)],
            [.. outcome.Where(o => o.Second == Result.Refused).Select(o => o.First)],
            [.. outcome.Where(o => o.Second == Result.Failed).Select(o => o.First)],
            [.. view.Queued.Where(b => !admittedSet.Contains(b.BatchId))]);
    }

    /// <summary>
    /// What an observation of a batch means for the quota: a refusal teaches the limit, a batch past the provider's
    /// queue (terminal, or embedded synchronously) frees its room. Used by the drain and by the ingest's polls.
    /// </summary>
    public static async Task AccountAsync(TaskOrchestrationContext context, BatchSummary summary, ProviderObservation observation)
    {
        if (summary.Status == BatchStatus.Queued && observation.Errors.FirstOrDefault(EnqueuedLimitRefusal.IsRefusal) is { } reason)
        {
            await context.Entities.SignalEntityAsync(QuotaEntity.Id, nameof(QuotaEntity.Refuse), new QuotaRefusal(summary.BatchId, summary.Model, reason, context.UtcNow()));
        }
        else if (BatchTransitions.IsTerminal(summary.Status) || summary.Status == BatchStatus.Ingested)
        {
            await context.Entities.SignalEntityAsync(QuotaEntity.Id, nameof(QuotaEntity.Release), summary.BatchId);
        }
    }

    private static async Task<Result> SubmitOne(TaskOrchestrationContext context, QueuedBatch batch)
    {
        var id = BatchSummaryEntity.Id(batch.BatchId);
        if (!await context.Entities.CallEntityAsync<bool>(id, nameof(BatchSummaryEntity.Dequeue), new DequeueRequest(context.InstanceId, context.UtcNow())))
        {
            return Result.TakenElsewhere; // another pass took it (its reservation is that pass's), or it was cancelled or deleted
        }

        try
        {
            ProviderObservation observed = await context.CallActivityAsync<ProviderObservation>(
                nameof(SubmitBatch), new SubmitBatchInput(batch.BatchId, batch.Collection, batch.Fingerprint, batch.Path, batch.Endpoint), Retries.Provider);
            BatchSummary summary = await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Observe), observed with { At = context.UtcNow() });
            await AccountAsync(context, summary, observed);
            return summary.Status == BatchStatus.Queued ? Result.Refused : Result.Submitted;
        }
        catch (TaskFailedException ex)
        {
            await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.FailSubmit), new SubmitFailure("submit_failed: " + ex.FailureDetails.ErrorMessage, context.UtcNow()));
            await context.Entities.SignalEntityAsync(QuotaEntity.Id, nameof(QuotaEntity.Release), batch.BatchId);
            return Result.Failed;
        }
    }
}
