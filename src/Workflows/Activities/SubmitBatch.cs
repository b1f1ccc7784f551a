using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Results;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record SubmitBatchInput(string BatchId, string Collection, string Fingerprint, string Path);

/// <summary>
/// Creates one batch at the provider, exactly once, and claims its items. A retried attempt first asks the
/// BatchSummary, then looks for a provider batch carrying our batch id, and only then uploads and creates. Where the
/// provider cannot batch embeddings it embeds through the synchronous API instead (see <see cref="SyncEmbedder"/>).
/// </summary>
public sealed class SubmitBatch(
    IBatchProvider provider,
    IBlobStore blobs,
    IItemStore items,
    BatchSummaries summaries,
    SyncEmbedder sync,
    PipelineOptions options) : TaskActivity<SubmitBatchInput, ProviderObservation>
{
    public override async Task<ProviderObservation> RunAsync(TaskActivityContext context, SubmitBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        if (!provider.Profile.SupportsBatchEmbeddings)
        {
            await ClaimAsync(input, ct);
            return await sync.EmbedAsync(input, ct);
        }

        // Claim first: if the batch can never be created, its items are still this batch's, and ingesting the failed
        // batch puts them back with the reason and an attempt counted (instead of leaving them unaccounted for).
        await ClaimAsync(input, ct);
        try
        {
            return Observe(await CreateOnceAsync(input, ct), DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (!ex.IsRetriable)
        {
            throw new PermanentFailureException($"The provider refused batch {input.BatchId} ({ex.Kind}): {ex.Message}", ex);
        }
    }

    private async Task<ProviderBatch> CreateOnceAsync(SubmitBatchInput input, CancellationToken ct)
    {
        ProviderBatch batch;
        if (await summaries.GetAsync(input.BatchId, ct) is { ProviderBatchId: { } known })
        {
            batch = await provider.GetBatchAsync(known, ct);
        }
        else if (await provider.FindBatchAsync(input.BatchId, ct) is { } found)
        {
            batch = found;
        }
        else
        {
            string fileId;
            await using (Stream file = await blobs.OpenReadAsync(input.Path, ct))
            {
                fileId = await provider.UploadBatchFileAsync(file, input.BatchId + ".jsonl", ct);
            }

            var metadata = new Dictionary<string, string>(options.BatchMetadata, StringComparer.Ordinal)
            {
                ["collection"] = input.Collection,
                ["fingerprint"] = input.Fingerprint,
            };
            batch = await provider.CreateBatchAsync(new BatchCreateRequest(input.BatchId, fileId, BatchEndpoints.Embeddings, metadata), ct);
        }

        return batch;
    }

    public static ProviderObservation Observe(ProviderBatch b, DateTimeOffset at) => new(
        b.Id, b.Status, b.InputFileId, b.OutputFileId, b.ErrorFileId, b.Total, b.Completed, b.Failed, b.InputTokens, b.OutputTokens,
        b.Errors.Select(e => e.Line is { } line ? $"{e.Code} (line {line}): {e.Message}" : $"{e.Code}: {e.Message}").ToList(), at);

    /// <summary>Marks the batch's items Pending, only where no other batch holds them.</summary>
    private async Task ClaimAsync(SubmitBatchInput input, CancellationToken ct)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using (Stream file = await blobs.OpenReadAsync(input.Path, ct))
        {
            await foreach (string customId in BatchInputReader.ReadCustomIdsAsync(file, ct))
            {
                if (CustomId.TryParse(customId, out CustomId id))
                {
                    ids.Add(id.ItemId);
                }
            }
        }

        foreach (string[] slice in ids.Chunk(5_000))
        {
            await items.MarkPendingAsync(input.Collection, slice, input.BatchId, ct);
        }
    }
}
