using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A batch still to be polled or ingested.</summary>
public sealed record PendingBatch(string BatchId, string Collection, string Fingerprint, string? ProviderBatchId, BatchStatus Status, BatchKind Kind = BatchKind.Embedding);

/// <summary>Finds the BatchSummaries that are open at the provider, or terminal but not yet ingested.</summary>
public sealed class ListPendingBatches(BatchSummaries summaries) : TaskActivity<string?, IReadOnlyList<PendingBatch>>
{
    public override async Task<IReadOnlyList<PendingBatch>> RunAsync(TaskActivityContext context, string? input)
    {
        var pending = new List<PendingBatch>();
        await foreach (BatchSummary s in summaries.ListAsync(input, CancellationToken.None))
        {
            if (BatchTransitions.IsOpen(s.Status) || BatchTransitions.IsTerminal(s.Status))
            {
                pending.Add(new PendingBatch(s.BatchId, s.Collection, s.Fingerprint, s.ProviderBatchId, s.Status, s.Kind));
            }
        }

        return pending;
    }
}
