using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;

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
    decimal? BudgetUsd,
    QueueStats Queue);

/// <summary>
/// The provider's enqueued-token limit as it bears on this collection's model: what we have enqueued (all
/// collections), the limit in force (the tighter of the configured and the learned one) and where the learned one came
/// from, this collection's queued batches and open tokens, and an ETA for both at its recent completion rate.
/// </summary>
public sealed record QueueStats(
    string Model,
    long EnqueuedTokens,
    int OpenBatches,
    long? Limit,
    long? ConfiguredLimit,
    long? LearnedLimit,
    string? LearnedFrom,
    int? MaxOpenBatches,
    int QueuedBatches,
    long QueuedTokens,
    long OpenTokens,
    double? TokensPerSecond,
    double? EtaSeconds);

public sealed record IndexStats(string Name, string Fingerprint, string Model, int? Dimensions, long Vectors, int SnapshotVersion, int PendingDeltas);

public sealed class CollectionStatsReader(IItemStore items, IVectorStore vectors, BatchSummaries summaries, EmbeddingConfig config, EmbeddingTargets targets)
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
        int queued = 0;
        long queuedTokens = 0, openTokens = 0, recentTokens = 0;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        DateTimeOffset? recentStart = null;
        await foreach (BatchSummary s in summaries.ListAsync(collection, ct))
        {
            batchCount++;
            if (s.Status == BatchStatus.Queued)
            {
                queued++;
                queuedTokens += s.Tokens;
            }
            else if (BatchTransitions.IsOpen(s.Status))
            {
                openTokens += s.Tokens;
            }

            if (s is { TerminalAt: { } end, SubmittedAt: { } start } && now - end < RecentWindow)
            {
                recentTokens += s.Tokens;
                recentStart = recentStart is { } r && r < start ? r : start;
            }

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

        // The index searches use: the one a migration's swap pointed the collection's alias at, else the pipeline's own.
        (string index, EmbeddingConfig? serving) = await targets.ServingAsync(collection, ct);
        EmbeddingConfig at = serving ?? config;
        VectorIndexStats v = await vectors.GetStatsAsync(index, ct);
        return new CollectionStats(
            collection,
            counts.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
            total,
            new IndexStats(index, at.Fingerprint, at.Target.Model, v.Dimensions ?? at.Target.EffectiveDimensions, v.Vectors, v.SnapshotVersion, v.PendingDeltas),
            batches,
            tokens,
            estimated,
            actual,
            config.Options.BudgetUsd,
            await QueueAsync(queued, queuedTokens, openTokens, recentTokens, recentStart, now, ct));
    }

    /// <summary>Completions this recent set the rate an ETA is measured by.</summary>
    private static readonly TimeSpan RecentWindow = TimeSpan.FromHours(1);

    private async Task<QueueStats> QueueAsync(int queued, long queuedTokens, long openTokens, long recentTokens, DateTimeOffset? recentStart, DateTimeOffset now, CancellationToken ct)
    {
        string model = config.Target.Model;
        EnqueuedTokenLedger ledger = await summaries.QuotaAsync(ct);
        QuotaLimits limits = config.Options.QuotaLimits();
        LearnedLimit? learned = ledger.Learned.GetValueOrDefault(model);
        double? rate = recentStart is { } since && recentTokens > 0 ? recentTokens / Math.Max(60, (now - since).TotalSeconds) : null;
        double? eta = rate is { } r && queuedTokens + openTokens > 0 ? Math.Round((queuedTokens + openTokens) / r) : null;
        return new QueueStats(
            model,
            ledger.Enqueued(model),
            ledger.Open.Count,
            ledger.EffectiveLimit(model, limits),
            limits.TokenLimit(model),
            learned?.Tokens,
            learned is null ? null : learned.Stated ? "stated by the provider" : "enqueued when refused",
            limits.MaxOpenBatches,
            queued,
            queuedTokens,
            openTokens,
            rate is { } x ? Math.Round(x, 1) : null,
            eta);
    }
}
