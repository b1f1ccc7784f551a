using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Results;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Kind">Embedding: the file's custom ids name items. Completion: each request names a receipt, and the labels it asks about are the items.</param>
public sealed record ClaimBatchItemsInput(string BatchId, string Collection, string Path, BatchKind Kind = BatchKind.Embedding);

/// <summary>
/// Marks a planned batch's items Pending for it, only where no other batch holds them, as soon as it is queued: a
/// batch waiting for room under the enqueued-token limit keeps its items, so no later submission plans them again, and
/// if it can never be created, ingesting it puts them back with the reason. Returns the items claimed.
/// </summary>
public sealed class ClaimBatchItems(IBlobStore blobs, IItemStore items) : TaskActivity<ClaimBatchItemsInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ClaimBatchItemsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using (Stream file = await blobs.OpenReadAsync(input.Path, ct))
        {
            if (input.Kind == BatchKind.Completion)
            {
                await foreach (LabelRequest request in LabelRequestReader.ReadAsync(file, ct))
                {
                    if (CustomId.TryParse(request.CustomId, out CustomId id))
                    {
                        ids.UnionWith(request.LocalIds.Select(local => id.ItemId + "/" + local));
                    }
                }
            }
            else
            {
                await foreach (string customId in BatchInputReader.ReadCustomIdsAsync(file, ct))
                {
                    if (CustomId.TryParse(customId, out CustomId id))
                    {
                        ids.Add(id.ItemId);
                    }
                }
            }
        }

        int claimed = 0;
        foreach (string[] slice in ids.Chunk(5_000))
        {
            claimed += await items.MarkPendingAsync(input.Collection, slice, input.BatchId, ct);
        }

        return claimed;
    }
}
