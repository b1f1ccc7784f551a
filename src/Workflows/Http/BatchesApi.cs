using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Results;

using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Pipeline;

namespace BatchEmbed.Workflows.Http;

/// <summary>BatchSummaries: <c>/api/batches</c>, one batch, and cancel.</summary>
public static class BatchesApi
{
    public static RouteGroupBuilder MapBatchesApi(this RouteGroupBuilder api, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(api);
        RouteGroupBuilder g = api.MapGroup("/batches");
        g.MapGet("/", ListAsync);
        g.MapGet("/{batchId}", GetAsync);
        g.MapGet("/{batchId}/provider", ProviderAsync);
        g.MapGet("/{batchId}/errors", ErrorsAsync);
        g.MapPost("/{batchId}/cancel", (string batchId, HttpContext http, BatchSummaries summaries, RunStarter runs, CancellationToken ct) => CancelAsync(batchId, http, summaries, runs, links, ct));
        return api;
    }

    public static async Task<IResult> ListAsync(string? collection, string? status, BatchSummaries summaries, CancellationToken ct)
    {
        BatchStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse(status, ignoreCase: true, out BatchStatus parsed) || int.TryParse(status, out _))
            {
                return Problems.BadRequest($"Unknown status '{status}'. Use one of: {string.Join(", ", Enum.GetNames<BatchStatus>())}.");
            }

            wanted = parsed;
        }

        var list = new List<BatchSummary>();
        await foreach (BatchSummary s in summaries.ListAsync(collection, ct))
        {
            if (wanted is null || s.Status == wanted)
            {
                list.Add(s);
            }
        }

        return TypedResults.Ok(list.OrderByDescending(s => s.CreatedAt).ToList());
    }

    public static async Task<IResult> GetAsync(string batchId, BatchSummaries summaries, CancellationToken ct) =>
        await summaries.GetAsync(batchId, ct) is { } s ? TypedResults.Ok(s) : Problems.NotFound($"There is no batch '{batchId}'.");

    /// <summary>The batch as the provider reports it now (status, counts, file ids, errors).</summary>
    public static async Task<IResult> ProviderAsync(string batchId, BatchSummaries summaries, IBatchProvider provider, CancellationToken ct)
    {
        if (await summaries.GetAsync(batchId, ct) is not { } s)
        {
            return Problems.NotFound($"There is no batch '{batchId}'.");
        }

        if (s.ProviderBatchId is not { } id || SyncEmbedder.IsSync(id))
        {
            return Problems.NotFound(s.ProviderBatchId is null
                ? $"Batch '{batchId}' was never created at the provider."
                : $"Batch '{batchId}' was embedded through the synchronous API; the provider has no batch for it.");
        }

        try
        {
            return TypedResults.Ok(await provider.GetBatchAsync(id, ct));
        }
        catch (BatchProviderException ex)
        {
            return Problems.BadGateway($"The provider could not return batch {id}: {ex.Message}");
        }
    }

    /// <summary>The first lines of the batch's error file: which requests failed, and why.</summary>
    public static async Task<IResult> ErrorsAsync(string batchId, int? limit, BatchSummaries summaries, ResultFiles files, CancellationToken ct)
    {
        if (await summaries.GetAsync(batchId, ct) is not { } s)
        {
            return Problems.NotFound($"There is no batch '{batchId}'.");
        }

        int max = Math.Clamp(limit ?? 100, 1, 1000);
        var errors = new List<BatchLineError>();
        if (s.ErrorFileId is { } fileId)
        {
            try
            {
                await foreach (BatchResultLine line in files.ReadAsync(fileId, ct))
                {
                    errors.Add(new BatchLineError(line.CustomId, line.StatusCode, line.ErrorCode, line.ErrorMessage));
                    if (errors.Count == max)
                    {
                        break;
                    }
                }
            }
            catch (BatchProviderException ex)
            {
                return Problems.BadGateway($"The provider could not return error file {fileId}: {ex.Message}");
            }
        }

        return TypedResults.Ok(new BatchErrors(batchId, s.ErrorFileId, s.Errors, errors));
    }

    public sealed record BatchLineError(string? CustomId, int? StatusCode, string? Code, string? Message);

    public sealed record BatchErrors(string BatchId, string? ErrorFileId, IReadOnlyList<string> BatchLevel, IReadOnlyList<BatchLineError> Lines);

    public static async Task<IResult> CancelAsync(string batchId, HttpContext http, BatchSummaries summaries, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        if (await summaries.GetAsync(batchId, ct) is not { } s)
        {
            return Problems.NotFound($"There is no batch '{batchId}'.");
        }

        if (!BatchTransitions.IsOpen(s.Status) && s.Status != BatchStatus.Queued)
        {
            return Problems.Conflict($"Batch '{batchId}' is {s.Status}; only open or queued batches can be cancelled.");
        }

        return CheckStatusPayload.Accepted(http, await runs.StartAsync(nameof(CancelBatch), batchId, ct), links);
    }
}
