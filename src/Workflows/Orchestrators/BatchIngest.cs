using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>One batch's step of an ingest, for embeddings and completions alike.</summary>
internal static class BatchIngest
{
    /// <summary>
    /// Polls one batch while it is open and, once its BatchSummary is terminal, stores its results with
    /// <paramref name="storeActivity"/> (StoreResults or StoreAnswers) and records it Ingested; no outcome while it is
    /// still open, or once it is back in the queue (refused for the enqueued-token limit). A batch already recorded
    /// terminal (embedded synchronously, never created, or polled before a crash) goes straight to the store.
    /// </summary>
    public static async Task<(IngestOutcome? Outcome, bool Requeued)> RunAsync(TaskOrchestrationContext context, PendingBatch batch, string storeActivity, int maxAttempts)
    {
        var id = BatchSummaryEntity.Id(batch.BatchId);
        if (BatchTransitions.IsOpen(batch.Status))
        {
            ProviderObservation observation = await context.CallActivityAsync<ProviderObservation>(
                nameof(PollBatch), batch.ProviderBatchId ?? throw new InvalidOperationException($"Open batch '{batch.BatchId}' has no provider batch id."), Retries.Provider);
            BatchSummary summary = await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Observe), observation with { At = context.UtcNow() });
            await QueueDrain.AccountAsync(context, summary, observation);
            if (!BatchTransitions.IsTerminal(summary.Status))
            {
                return (null, summary.Status == BatchStatus.Queued);
            }
        }

        IngestOutcome outcome = await context.CallActivityAsync<IngestOutcome>(storeActivity, new StoreResultsInput(batch.BatchId, maxAttempts), Retries.Local);
        await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Ingested), outcome with { At = context.UtcNow() });
        if (MigrationNames.TryParseShadow(batch.Collection, out _, out string migration))
        {
            // A migration's checkpoint advances once per batch (the step id makes a replay or a second ingest count once).
            int failed = outcome.ItemsRequeued + outcome.ItemsFailed;
            await context.Entities.SignalEntityAsync(CheckpointEntity.Id(MigrateEmbeddings.CheckpointName(migration)), nameof(CheckpointEntity.Advance), new CheckpointStep(
                MigrateEmbeddings.CheckpointRunId, "batch:" + batch.BatchId, "embedding", null, outcome.ItemsSucceeded + failed, outcome.ItemsSucceeded, failed, batch.BatchId, context.UtcNow(),
                [.. outcome.Problems.Select(p => p.Split(": ", 2)[0])]));
        }

        return (outcome, false);
    }
}
