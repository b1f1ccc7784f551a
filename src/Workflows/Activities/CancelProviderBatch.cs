using BatchEmbed.Connectors.Batches;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Asks the provider to cancel a batch; what it finished is ingested as usual.</summary>
public sealed class CancelProviderBatch(IBatchProvider provider) : TaskActivity<string, ProviderObservation>
{
    public override async Task<ProviderObservation> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        try
        {
            ProviderBatch batch = await provider.CancelBatchAsync(input, CancellationToken.None);
            return SubmitBatch.Observe(batch, DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (!ex.IsRetriable)
        {
            throw new PermanentFailureException($"The provider refused to cancel batch {input} ({ex.Kind}): {ex.Message}", ex);
        }
    }
}
