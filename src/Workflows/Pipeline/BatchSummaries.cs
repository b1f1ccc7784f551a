using System.Runtime.CompilerServices;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Quota;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// Reads BatchSummary entities, and the quota entity beside them, through the durable client (activities and HTTP;
/// orchestrators call the entities).
/// </summary>
public sealed class BatchSummaries(DurableTaskClient client)
{
    public async Task<BatchSummary?> GetAsync(string batchId, CancellationToken cancellationToken)
    {
        EntityMetadata<BatchSummary>? e = await client.Entities.GetEntityAsync<BatchSummary>(BatchSummaryEntity.Id(batchId), includeState: true, cancellationToken);
        return e?.State;
    }

    /// <summary>What is enqueued at the provider and what is known of its limits (empty before the first submission).</summary>
    public async Task<EnqueuedTokenLedger> QuotaAsync(CancellationToken cancellationToken)
    {
        EntityMetadata<EnqueuedTokenLedger>? e = await client.Entities.GetEntityAsync<EnqueuedTokenLedger>(QuotaEntity.Id, includeState: true, cancellationToken);
        return e?.State ?? new EnqueuedTokenLedger();
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
