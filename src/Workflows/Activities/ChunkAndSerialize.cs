using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Salt">The submission's id, mixed into batch ids: a retry of this step writes the same batches.</param>
public sealed record ChunkAndSerializeInput(string Collection, string Fingerprint, ItemRange Page, string Salt);

/// <summary>One planned batch file, by reference.</summary>
public sealed record PlannedBatchRef(string BatchId, int Requests, int Inputs, long Tokens, long Bytes, decimal EstimatedUsd, string Path);

public sealed record ChunkAndSerializeOutput(IReadOnlyList<PlannedBatchRef> Batches, long Items, long ItemsChunked, long SkippedEmpty, long Errors, IReadOnlyList<string> ErrorSamples);

/// <summary>
/// Reads one page of items, chunks them by tokens and writes Batch API files to the blob store (each file complete
/// before it appears). Returns plans, not data.
/// </summary>
public sealed class ChunkAndSerialize(IItemStore items, IBlobStore blobs, EmbeddingTargets targets) : TaskActivity<ChunkAndSerializeInput, ChunkAndSerializeOutput>
{
    public override async Task<ChunkAndSerializeOutput> RunAsync(TaskActivityContext context, ChunkAndSerializeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        EmbeddingConfig config = await targets.ForAsync(input.Collection, input.Fingerprint, CancellationToken.None);
        var planner = new EmbeddingBatchPlanner(config.PlanSettings(input.Collection, input.Salt));
        using var sink = new BlobBatchFileSink(blobs, BlobPaths.BatchInputs(input.Collection));
        BatchPlan plan = await planner.PlanAsync(ReadPage(input, CancellationToken.None), sink, CancellationToken.None);
        return new ChunkAndSerializeOutput(
            plan.Batches.Select(b => new PlannedBatchRef(b.BatchId, b.Requests, b.Inputs, b.Tokens, b.Bytes, b.EstimatedUsd, b.Path)).ToList(),
            plan.ItemsPlanned,
            plan.ItemsChunked,
            plan.ItemsSkippedEmpty,
            plan.ErrorCount,
            plan.Errors.Take(20).Select(e => e.ToString()).ToList());
    }

    private async IAsyncEnumerable<CorpusItem> ReadPage(ChunkAndSerializeInput input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = input.Page.AfterId;
        int left = input.Page.Count;
        while (left > 0)
        {
            ItemPage page = await items.FindUnembeddedAsync(input.Collection, input.Fingerprint, after, Math.Min(left, 2_000), cancellationToken);
            foreach (StoredItem item in page.Items)
            {
                if (string.CompareOrdinal(item.Id, input.Page.LastId) > 0)
                {
                    yield break;
                }

                yield return item.ToCorpusItem();
            }

            left -= page.Items.Count;
            if (page.NextCursor is null)
            {
                yield break;
            }

            after = page.NextCursor;
        }
    }
}
