using BatchEmbed.Domain.Batches;
using BatchEmbed.DurableTask.Http;
using BatchEmbed.Functions.Orchestrators;
using BatchEmbed.Functions.Pipeline;

namespace BatchEmbed.Functions.Http;

/// <summary>BatchSummaries: <c>/api/batches</c>, one batch, and cancel.</summary>
public static class BatchesApi
{
    public static RouteGroupBuilder MapBatchesApi(this RouteGroupBuilder api, DurableHttpApiOptions durable)
    {
        ArgumentNullException.ThrowIfNull(api);
        RouteGroupBuilder g = api.MapGroup("/batches");
        g.MapGet("/", ListAsync);
        g.MapGet("/{batchId}", GetAsync);
        g.MapPost("/{batchId}/cancel", (string batchId, HttpContext http, BatchSummaries summaries, RunStarter runs, CancellationToken ct) => CancelAsync(batchId, http, summaries, runs, durable, ct));
        return api;
    }

    private static async Task<IResult> ListAsync(string? collection, string? status, BatchSummaries summaries, CancellationToken ct)
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

    private static async Task<IResult> GetAsync(string batchId, BatchSummaries summaries, CancellationToken ct) =>
        await summaries.GetAsync(batchId, ct) is { } s ? TypedResults.Ok(s) : Problems.NotFound($"There is no batch '{batchId}'.");

    private static async Task<IResult> CancelAsync(string batchId, HttpContext http, BatchSummaries summaries, RunStarter runs, DurableHttpApiOptions durable, CancellationToken ct)
    {
        if (await summaries.GetAsync(batchId, ct) is not { } s)
        {
            return Problems.NotFound($"There is no batch '{batchId}'.");
        }

        if (!BatchTransitions.IsOpen(s.Status))
        {
            return Problems.Conflict($"Batch '{batchId}' is {s.Status}; only open batches can be cancelled.");
        }

        return CheckStatusPayload.Accepted(http, await runs.StartAsync(nameof(CancelBatch), batchId, ct), durable);
    }
}
