using System.Runtime.CompilerServices;
using BatchEmbed.Domain.Batches;
using BatchEmbed.DurableTask;
using BatchEmbed.DurableTask.Entities;
using BatchEmbed.Functions.Entities;

namespace BatchEmbed.Functions.Pipeline;

/// <summary>Reads BatchSummary entities through the durable client (activities and HTTP; orchestrators call the entity).</summary>
public sealed class BatchSummaries(DurableTaskClient client)
{
    public async Task<BatchSummary?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        EntityMetadata? e = await client.Entities.GetEntityAsync(BatchSummaryEntity.Id(batchId), includeState: true, cancellationToken);
        return e?.ReadStateAs<BatchSummary>();
    }

    /// <summary>Every summary, or one collection's, in batch-id order.</summary>
    public async IAsyncEnumerable<BatchSummary> ListAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string prefix = new EntityInstanceId(BatchSummaryEntity.Name, string.Empty).ToString();
        await foreach (EntityMetadata e in client.Entities.GetAllEntitiesAsync(new EntityQuery(prefix, PageSize: 500)).WithCancellation(cancellationToken))
        {
            if (e.ReadStateAs<BatchSummary>() is { } s && (collection is null || s.Collection == collection))
            {
                yield return s;
            }
        }
    }
}
