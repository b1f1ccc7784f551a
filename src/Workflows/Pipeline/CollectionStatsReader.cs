using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>A collection at a glance: items by status, the current index, batches by status, tokens and spend.</summary>
public sealed record CollectionStats(
    string Collection,
    IReadOnlyDictionary<string, long> Items,
    long ItemsTotal,
    IndexStats Index,
    IReadOnlyDictionary<string, int> Batches,
    long Tokens,
    decimal EstimatedUsd,
    decimal ActualUsd,
    decimal? BudgetUsd);

public sealed record IndexStats(string Name, string Fingerprint, string Model, int? Dimensions, long Vectors, int SnapshotVersion, int PendingDeltas);

public sealed class CollectionStatsReader(IItemStore items, IVectorStore vectors, BatchSummaries summaries, EmbeddingConfig config)
{
    /// <summary>Null when the collection has neither items nor batches.</summary>
    public async Task<CollectionStats?> ReadAsync(string collection, CancellationToken ct)
    {
        if (!CollectionName.IsValid(collection))
        {
            return null;
        }

        IReadOnlyDictionary<ItemStatus, long> counts = await items.CountByStatusAsync(collection, ct);
        var batches = Enum.GetValues<BatchStatus>().ToDictionary(s => s.ToString(), _ => 0);
        long tokens = 0;
        decimal estimated = 0, actual = 0;
        int batchCount = 0;
        await foreach (BatchSummary s in summaries.ListAsync(collection, ct))
        {
            batchCount++;
            batches[s.Status.ToString()]++;
            tokens += s.ActualInputTokens ?? s.Tokens;
            estimated += s.EstimatedUsd;
            actual += s.ActualUsd ?? 0;
        }

        long total = counts.Values.Sum();
        if (total == 0 && batchCount == 0)
        {
            return null;
        }

        string index = EmbeddingConfig.IndexName(collection, config.Fingerprint);
        VectorIndexStats v = await vectors.GetStatsAsync(index, ct);
        return new CollectionStats(
            collection,
            counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
            total,
            new IndexStats(index, config.Fingerprint, config.Target.Model, v.Dimensions ?? config.Target.EffectiveDimensions, v.Vectors, v.SnapshotVersion, v.PendingDeltas),
            batches,
            tokens,
            estimated,
            actual,
            config.Options.BudgetUsd);
    }
}
