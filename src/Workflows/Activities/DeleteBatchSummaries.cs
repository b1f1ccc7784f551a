using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Deletes BatchSummary entities (after they were exported) and waits until they are gone.</summary>
public sealed class DeleteBatchSummaries(DurableTaskClient client, BatchSummaries summaries) : TaskActivity<IReadOnlyList<string>, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, IReadOnlyList<string> input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (string batchId in input)
        {
            await client.Entities.SignalEntityAsync(BatchSummaryEntity.Id(batchId), "delete", cancellation: CancellationToken.None);
        }

        var left = new List<string>(input);
        for (int wait = 0; left.Count > 0; wait++)
        {
            if (wait == 600)
            {
                throw new TimeoutException($"{left.Count} batch summaries were not deleted within 60 s.");
            }

            var still = new List<string>();
            foreach (string batchId in left)
            {
                if (await summaries.GetAsync(batchId, CancellationToken.None) is not null)
                {
                    still.Add(batchId);
                }
            }

            left = still;
            if (left.Count > 0)
            {
                await Task.Delay(100);
            }
        }

        return input.Count;
    }
}
