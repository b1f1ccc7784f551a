using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>Puts a planned batch in the queue, for embeddings and completions alike.</summary>
internal static class BatchQueue
{
    /// <summary>
    /// Records the batch's BatchSummary as Queued, then claims its items for it (so no later run plans them again).
    /// </summary>
    public static async Task<bool> AddAsync(
        TaskOrchestrationContext context, BatchKind kind, string collection, string fingerprint, string model, PlannedBatchRef plan)
    {
        var summary = new BatchSummary
        {
            BatchId = plan.BatchId,
            Kind = kind,
            Collection = collection,
            Fingerprint = fingerprint,
            Model = model,
            Endpoint = BatchEndpoints.For(kind),
            InputPath = plan.Path,
            Status = BatchStatus.Queued,
            Requests = plan.Requests,
            Tokens = plan.Tokens,
            EstimatedUsd = plan.EstimatedUsd,
            CreatedAt = context.UtcNow(),
            UpdatedAt = context.UtcNow(),
            QueuedAt = context.UtcNow(),
        };
        await context.Entities.CallEntityAsync<BatchSummary>(BatchSummaryEntity.Id(plan.BatchId), nameof(BatchSummaryEntity.Plan), summary);
        await context.CallActivityAsync<int>(nameof(ClaimBatchItems), new ClaimBatchItemsInput(plan.BatchId, collection, plan.Path, kind), Retries.Local);
        return true;
    }
}
