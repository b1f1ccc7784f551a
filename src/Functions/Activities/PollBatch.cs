using BatchEmbed.Connectors.Batches;
using BatchEmbed.DurableTask;
using BatchEmbed.Functions.Entities;
using BatchEmbed.Functions.Pipeline;

namespace BatchEmbed.Functions.Activities;

public sealed record PollBatchInput(string BatchId, string ProviderBatchId);

/// <summary>Asks the provider for a batch's status, counts and file ids.</summary>
public sealed class PollBatch(IBatchProvider provider, BatchSummaries summaries) : TaskActivity<PollBatchInput, ProviderObservation>
{
    public override async Task<ProviderObservation> RunAsync(TaskActivityContext context, PollBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (SyncEmbedder.IsSync(input.ProviderBatchId))
        {
            // Embedded synchronously at submission: already complete; the summary holds what SubmitBatch observed.
            var s = await summaries.GetAsync(input.BatchId, CancellationToken.None)
                ?? throw new InvalidOperationException($"Batch summary '{input.BatchId}' is gone.");
            return new ProviderObservation(input.ProviderBatchId, "completed", null, s.OutputFileId, null,
                s.Counts?.Total ?? 0, s.Counts?.Completed ?? 0, s.Counts?.Failed ?? 0, s.ActualInputTokens, 0, [], DateTimeOffset.UtcNow);
        }

        try
        {
            ProviderBatch batch = await provider.GetBatchAsync(input.ProviderBatchId, CancellationToken.None);
            return SubmitBatch.Observe(batch, DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (!ex.IsRetriable)
        {
            throw new PermanentFailureException($"The provider cannot report batch {input.ProviderBatchId} ({ex.Kind}): {ex.Message}", ex);
        }
    }
}
