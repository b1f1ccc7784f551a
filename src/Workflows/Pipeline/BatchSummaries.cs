using System.Runtime.CompilerServices;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Reads BatchSummary entities through the durable client (activities and HTTP; orchestrators call the entity).</summary>
public sealed class BatchSummaries(DurableTaskClient client)
{
    public async Task<BatchSummary?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        EntityMetadata<BatchSummary>? e = await client.Entities.GetEntityAsync<BatchSummary>(BatchSummaryEntity.Id(batchId), includeState: true, cancellationToken);
        return e?.State;
    }

    /// <summary>Every summary, or one collection's, in batch-id order.</summary>
    public async IAsyncEnumerable<BatchSummary> ListAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = new EntityInstanceId(BatchSummaryEntity.Name, string.Empty).ToString();
        await foreach (EntityMetadata<BatchSummary> e in client.Entities.GetAllEntitiesAsync<BatchSummary>(new EntityQuery { InstanceIdStartsWith = prefix, PageSize = 500 }).WithCancellation(cancellationToken))
        {
            if (e.State is { } s && (collection is null || s.Collection == collection))
            {
                yield return s;
            }
        }
    }
}
