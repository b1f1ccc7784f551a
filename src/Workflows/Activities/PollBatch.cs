using BatchEmbed.Connectors.Batches;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Asks the provider for an open batch's status, counts and file ids (input: the provider batch id).</summary>
public sealed class PollBatch(IBatchProvider provider) : TaskActivity<string, ProviderObservation>
{
    public override async Task<ProviderObservation> RunAsync(TaskActivityContext context, string input)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        try
        {
            ProviderBatch batch = await provider.GetBatchAsync(input, CancellationToken.None);
            return SubmitBatch.Observe(batch, DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (!ex.IsRetriable)
        {
            throw new PermanentFailureException($"The provider cannot report batch {input} ({ex.Kind}): {ex.Message}", ex);
        }
    }
}
