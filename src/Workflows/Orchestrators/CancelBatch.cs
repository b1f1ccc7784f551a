using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>
/// Cancels one batch at the provider and records it; its partial results are ingested as usual. A batch still in the
/// queue is cancelled without reaching the provider.
/// </summary>
public sealed class CancelBatch : TaskOrchestrator<string, BatchSummary>
{
    public override async Task<BatchSummary> RunAsync(TaskOrchestrationContext context, string input)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = BatchSummaryEntity.Id(input);
        BatchSummary? summary = await context.Entities.CallEntityAsync<BatchSummary?>(id, nameof(BatchSummaryEntity.Get))
            ?? throw new InvalidOperationException($"There is no batch '{input}'.");
        if (summary.Status == BatchStatus.Queued)
        {
            return await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.CancelQueued), context.UtcNow());
        }

        if (summary.ProviderBatchId is not { Length: > 0 } providerId || !BatchTransitions.IsOpen(summary.Status))
        {
            return summary; // nothing to cancel: not created yet (or synchronous), or already finished
        }

        ProviderObservation observed = await context.CallActivityAsync<ProviderObservation>(nameof(CancelProviderBatch), providerId, Retries.Provider);
        return await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Observe), observed with { At = context.UtcNow() });
    }
}
