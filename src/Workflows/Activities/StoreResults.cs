using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Domain.Results;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A terminal batch, by reference: its BatchSummary holds the collection, input file and result files.</summary>
public sealed record StoreResultsInput(string BatchId, int MaxAttempts);

/// <summary>
/// Streams a terminal batch's output and error files (never buffered whole) into vector deltas, then settles every
/// item of the batch: Succeeded when all its chunks came back, otherwise back to None with the reason (or Failed after
/// the last attempt). Vectors are written, and items marked, only where the item is still claimed by this batch, so a
/// stale batch never overwrites a newer vector. Safe to run again: deltas are upserts and every update is conditional.
/// </summary>
public sealed class StoreResults(IItemStore items, IBlobStore blobs, IVectorStore vectors, ResultFiles files, BatchSummaries summaries, EmbeddingTargets targets)
    : TaskActivity<StoreResultsInput, IngestOutcome>
{
    private const int FlushEvery = 2_000;
    private const int ProblemsKept = 20;

    public override async Task<IngestOutcome> RunAsync(TaskActivityContext context, StoreResultsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        BatchSummary batch = await summaries.GetAsync(input.BatchId, ct)
            ?? throw new InvalidOperationException($"Batch summary '{input.BatchId}' is gone (deleted by a reset?); its results were not stored.");
        string index = EmbeddingConfig.IndexName(batch.Collection, batch.Fingerprint);
        EmbeddingConfig config = await targets.ForAsync(batch.Collection, batch.Fingerprint, ct);
        string keyCollection = MigrationNames.VectorCollection(batch.Collection);

        var chunksPerItem = new Dictionary<string, int>(StringComparer.Ordinal);
        var customIds = new List<string>();
        await using (Stream file = await blobs.OpenReadAsync(batch.InputPath, ct))
        {
            await foreach (string customId in BatchInputReader.ReadCustomIdsAsync(file, ct))
            {
                customIds.Add(customId);
                if (CustomId.TryParse(customId, out CustomId id))
                {
                    chunksPerItem[id.ItemId] = chunksPerItem.GetValueOrDefault(id.ItemId) + 1;
                }
            }
        }

        var reconciler = new ResultReconciler(customIds);
        var okChunks = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemProblems = new Dictionary<string, string>(StringComparer.Ordinal);
        var buffer = new List<VectorRecord>(FlushEvery);
        long promptTokens = 0, written = 0;
        int? dimensions = null;

        await foreach (BatchResultLine line in files.ReadAllAsync(batch, ct))
        {
            ResultOutcome outcome = reconciler.Observe(line);
            if (!CustomId.TryParse(line.CustomId, out CustomId id))
            {
                continue;
            }

            if (outcome == ResultOutcome.Ok)
            {
                promptTokens += line.PromptTokens;
                float[]? vector = line.Embeddings.Count == 1 ? line.Embeddings[0] : null;
                dimensions ??= vector?.Length;
                if (vector is null || vector.Length != dimensions)
                {
                    itemProblems.TryAdd(id.ItemId, $"bad_response: expected one {dimensions}-dimension vector");
                    continue;
                }

                okChunks[id.ItemId] = okChunks.GetValueOrDefault(id.ItemId) + 1;
                buffer.Add(new VectorRecord(line.CustomId!, vector));
                if (buffer.Count >= FlushEvery)
                {
                    written += await FlushAsync(batch, index, buffer, ct);
                }
            }
            else if (outcome == ResultOutcome.Failed)
            {
                itemProblems.TryAdd(id.ItemId, $"{line.ErrorCode}: {line.ErrorMessage}");
            }
        }

        written += await FlushAsync(batch, index, buffer, ct);

        (string missingCode, string missingWhy) = ResultFiles.Missing(batch);
        ReconcileReport report = reconciler.Complete(missingCode, missingWhy);
        foreach (RequestProblem p in report.Missing.Concat(report.Malformed))
        {
            if (CustomId.TryParse(p.CustomId, out CustomId id))
            {
                itemProblems.TryAdd(id.ItemId, $"{p.Code}: {p.Message}");
            }
        }

        var succeeded = chunksPerItem
            .Where(kv => !itemProblems.ContainsKey(kv.Key) && okChunks.GetValueOrDefault(kv.Key) == kv.Value)
            .Select(kv => kv.Key)
            .ToList();
        foreach (string id in chunksPerItem.Keys.Where(k => !itemProblems.ContainsKey(k) && okChunks.GetValueOrDefault(k) != chunksPerItem[k]))
        {
            itemProblems[id] = $"{missingCode}: not every chunk came back";
        }

        int marked = 0;
        foreach (string[] slice in succeeded.Chunk(5_000))
        {
            // An item re-embedded into fewer chunks than before (a shorter text) drops the chunk vectors it no longer has.
            IReadOnlyDictionary<string, int> before = await items.PreviousChunksAsync(batch.Collection, slice, batch.BatchId, batch.Fingerprint, ct);
            var stale = before
                .Where(kv => kv.Value > chunksPerItem[kv.Key])
                .SelectMany(kv => Enumerable.Range(chunksPerItem[kv.Key], kv.Value - chunksPerItem[kv.Key]).Select(i => CustomId.Format(keyCollection, kv.Key, i)))
                .ToList();
            if (stale.Count > 0)
            {
                await vectors.WriteDeltaAsync(index, [], stale, ct);
            }

            marked += await items.MarkSucceededAsync(batch.Collection, slice.ToDictionary(id => id, id => chunksPerItem[id], StringComparer.Ordinal), input.BatchId, batch.Fingerprint, ct);
        }

        int requeued = 0, failed = 0;
        foreach (IGrouping<string, string> group in itemProblems.GroupBy(kv => kv.Value, kv => kv.Key))
        {
            foreach (string[] slice in group.Chunk(5_000))
            {
                (int r, int f) = await items.RequeueAsync(batch.Collection, slice, input.BatchId, Truncate(group.Key), input.MaxAttempts, ct);
                requeued += r;
                failed += f;
            }
        }

        List<string> problems = itemProblems.Take(ProblemsKept).Select(kv => $"{kv.Key}: {Truncate(kv.Value)}").ToList();
        return new IngestOutcome(marked, requeued, failed, written, promptTokens, config.Price.Cost(promptTokens, 0, SyncEmbedder.IsSync(batch.ProviderBatchId ?? string.Empty) ? PriceTier.Standard : config.Tier), problems, DateTimeOffset.UtcNow);
    }

    /// <summary>Writes the buffered vectors of items this batch still holds as one delta.</summary>
    private async Task<long> FlushAsync(BatchSummary batch, string index, List<VectorRecord> buffer, CancellationToken ct)
    {
        if (buffer.Count == 0)
        {
            return 0;
        }

        var itemIds = buffer.Select(r => CustomId.TryParse(r.Key, out CustomId id) ? id.ItemId : string.Empty).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlySet<string> claimed = await items.ClaimedByAsync(batch.Collection, itemIds, batch.BatchId, ct);
        var records = buffer.Where(r => CustomId.TryParse(r.Key, out CustomId id) && claimed.Contains(id.ItemId)).ToList();
        buffer.Clear();
        if (records.Count > 0)
        {
            await vectors.WriteDeltaAsync(index, records, [], ct);
        }

        return records.Count;
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
