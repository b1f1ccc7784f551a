using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record SubmitBatchInput(string BatchId, string Collection, string Fingerprint, string Path, string Endpoint = BatchEndpoints.Embeddings);

/// <summary>
/// Creates one batch at the provider, exactly once (its items were claimed when it was queued). A retried attempt first
/// asks the BatchSummary, then looks for a provider batch carrying our batch id (one refused for the enqueued-token
/// limit does not count), and only then uploads and creates. A create refused for that limit comes back as a refusal
/// the BatchSummary puts back in the queue, not as a failure. Where the provider cannot batch embeddings it embeds
/// through the synchronous API instead (see <see cref="SyncEmbedder"/>), as does a migration that chose it.
/// </summary>
public sealed class SubmitBatch(
    IBatchProvider provider,
    IBlobStore blobs,
    BatchSummaries summaries,
    SyncEmbedder sync,
    MigrationCatalog migrations,
    PipelineOptions options) : TaskActivity<SubmitBatchInput, ProviderObservation>
{
    public override async Task<ProviderObservation> RunAsync(TaskActivityContext context, SubmitBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        if (input.Endpoint == BatchEndpoints.Embeddings && (!provider.Profile.SupportsBatchEmbeddings || await SyncMigrationAsync(input.Collection, ct)))
        {
            return await sync.EmbedAsync(input, ct);
        }

        BatchSummary? summary = await summaries.GetAsync(input.BatchId, ct);
        string? fileId = summary?.InputFileId;
        try
        {
            if (summary is { ProviderBatchId: { Length: > 0 } known })
            {
                return Observe(await provider.GetBatchAsync(known, ct), DateTimeOffset.UtcNow);
            }

            if (await provider.FindBatchAsync(input.BatchId, ct) is { } found)
            {
                return Observe(found, DateTimeOffset.UtcNow);
            }

            if (fileId is not null && await CreateAsync(input, fileId, ct) is { } fromKept)
            {
                return Observe(fromKept, DateTimeOffset.UtcNow);
            }

            await using (Stream file = await blobs.OpenReadAsync(input.Path, ct))
            {
                fileId = await provider.UploadBatchFileAsync(file, input.BatchId + ".jsonl", ct);
            }

            return Observe(await CreateAsync(input, fileId, ct) ?? throw new InvalidOperationException($"The file just uploaded for batch {input.BatchId} is gone."), DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (IsEnqueuedLimit(ex))
        {
            return new ProviderObservation(string.Empty, "failed", fileId, null, null, 0, 0, 0, null, null, [EnqueuedLimitRefusal.Code + ": " + ex.Message], DateTimeOffset.UtcNow);
        }
        catch (BatchProviderException ex) when (!ex.IsRetriable)
        {
            throw new PermanentFailureException($"The provider refused batch {input.BatchId} ({ex.Kind}): {ex.Message}", ex);
        }
    }

    /// <summary>Whether the batch belongs to a migration that embeds through the synchronous API (mode sync, or auto on a small job).</summary>
    private async Task<bool> SyncMigrationAsync(string collection, CancellationToken ct) =>
        MigrationNames.TryParseShadow(collection, out _, out string name) && await migrations.GetAsync(name, ct) is { Sync: true };

    /// <summary>Creates from an uploaded file; null when that file is gone (a kept file deleted or expired).</summary>
    private async Task<ProviderBatch?> CreateAsync(SubmitBatchInput input, string fileId, CancellationToken ct)
    {
        var metadata = new Dictionary<string, string>(options.BatchMetadata, StringComparer.Ordinal)
        {
            ["collection"] = input.Collection,
            ["fingerprint"] = input.Fingerprint,
        };
        try
        {
            return await provider.CreateBatchAsync(new BatchCreateRequest(input.BatchId, fileId, input.Endpoint, metadata), ct);
        }
        catch (BatchProviderException ex) when (ex.Kind == BatchProviderErrorKind.NotFound)
        {
            return null;
        }
    }

    /// <summary>Azure's fail-fast regions refuse the create (HTTP 400, code <c>token_limit_exceeded</c>) instead of failing the batch later.</summary>
    private static bool IsEnqueuedLimit(BatchProviderException ex) =>
        ex.Kind == BatchProviderErrorKind.Validation && ex.ErrorCode == EnqueuedLimitRefusal.Code;

    public static ProviderObservation Observe(ProviderBatch b, DateTimeOffset at) => new(
        b.Id, b.Status, b.InputFileId, b.OutputFileId, b.ErrorFileId, b.Total, b.Completed, b.Failed, b.InputTokens, b.OutputTokens,
        b.Errors.Select(e => e.Line is { } line ? $"{e.Code} (line {line}): {e.Message}" : $"{e.Code}: {e.Message}").ToList(), at);
}
