using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Planning;

using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchEmbed.Workflows.Http;

/// <summary>Starts the pipeline's orchestrations: <c>/api/embeddings/…</c>. Each answers 202 with the check-status payload.</summary>
public static class EmbeddingsApi
{
    public static RouteGroupBuilder MapEmbeddingsApi(this RouteGroupBuilder api, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(api);
        RouteGroupBuilder g = api.MapGroup("/embeddings");
        g.MapPost("/{collection}/submit", (string collection, HttpContext http, IItemStore items, RunStarter runs, CancellationToken ct) => SubmitAsync(collection, http, items, runs, links, ct));
        g.MapPost("/{collection}/ingest", (string collection, HttpContext http, IItemStore items, RunStarter runs, CancellationToken ct) => IngestAsync(collection, http, items, runs, links, ct));
        g.MapPost("/reset", (HttpContext http, IItemStore items, RunStarter runs, CancellationToken ct) => ResetAsync(http, items, runs, links, ct));
        g.MapPost("/enrich", (HttpContext http, IItemStore items, RunStarter runs, CancellationToken ct) => EnrichAsync(http, items, runs, links, ct));
        return api;
    }

    public sealed record SubmitRequest(decimal? BudgetUsd, bool? DryRun, long? MaxItems);

    public sealed record IngestRequest(bool? Wait);

    public sealed record ResetRequest(IReadOnlyList<string>? Collections, bool? DryRun, bool? SkipReset, bool? SkipSubmit, decimal? BudgetUsd);

    /// <param name="SkipValidation">Leave the labels alone (by default the run validates them beside the embeddings).</param>
    public sealed record EnrichRequest(IReadOnlyList<string>? Collections, decimal? BudgetUsd, double? DeadlineHours, bool? SkipValidation);

    public static async Task<IResult> SubmitAsync(string collection, HttpContext http, IItemStore items, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        if ((await RequestGuards.UnknownCollection(collection, items, ct) ?? NotEmbedded(collection, runs)) is { } problem)
        {
            return problem;
        }

        (SubmitRequest? body, IResult? error) = await RequestGuards.ReadAsync<SubmitRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (body?.BudgetUsd is < 0 || body?.MaxItems is < 1)
        {
            return Problems.BadRequest("\"budgetUsd\" cannot be negative and \"maxItems\" must be at least 1.");
        }

        SubmitEmbeddingsInput input = runs.SubmitInput(collection, body?.BudgetUsd, body?.DryRun ?? false, body?.MaxItems);
        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(SubmitEmbeddings), RunStarter.SubmitId(collection), input, ct), links);
    }

    public static async Task<IResult> IngestAsync(string collection, HttpContext http, IItemStore items, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        if (await RequestGuards.UnknownCollection(collection, items, ct) is { } problem)
        {
            return problem;
        }

        (IngestRequest? body, IResult? error) = await RequestGuards.ReadAsync<IngestRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(IngestEmbeddings), RunStarter.IngestId(collection), runs.IngestInput(collection, body?.Wait ?? false), ct), links);
    }

    public static async Task<IResult> ResetAsync(HttpContext http, IItemStore items, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        (ResetRequest? body, IResult? error) = await RequestGuards.ReadAsync<ResetRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (body?.Collections is not { Count: > 0 } collections)
        {
            return Problems.BadRequest("Name the collections to reset: {\"collections\": [\"lines\", \"words\"], \"dryRun\": true}.");
        }

        foreach (string c in collections)
        {
            if ((await RequestGuards.UnknownCollection(c, items, ct) ?? NotEmbedded(c, runs)) is { } problem)
            {
                return problem;
            }
        }

        var input = new ResetEmbeddingsInput(collections.Distinct(StringComparer.Ordinal).ToList(), body.DryRun ?? false, body.SkipReset ?? false, body.SkipSubmit ?? false,
            runs.SubmitInput(collections[0], body.BudgetUsd));
        return CheckStatusPayload.Accepted(http, await runs.StartAsync(nameof(ResetEmbeddings), input, ct), links);
    }

    public static async Task<IResult> EnrichAsync(HttpContext http, IItemStore items, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        (EnrichRequest? body, IResult? error) = await RequestGuards.ReadAsync<EnrichRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        IReadOnlyList<string> collections = body?.Collections ?? [];
        foreach (string c in collections)
        {
            if ((await RequestGuards.UnknownCollection(c, items, ct) ?? NotEmbedded(c, runs)) is { } problem)
            {
                return problem;
            }
        }

        if (body?.DeadlineHours is <= 0 or > 24 * 7)
        {
            return Problems.BadRequest("\"deadlineHours\" must be between 0 and 168.");
        }

        var input = new EnrichAutoInput(collections, runs.SubmitInput(string.Empty, body?.BudgetUsd), runs.IngestInput(null, wait: true), body?.DeadlineHours ?? 26,
            body?.SkipValidation == true ? null : new EnrichValidation(runs.ValidateSubmitInput(body?.BudgetUsd), runs.ValidateIngestInput(wait: true)));
        return CheckStatusPayload.Accepted(http, await runs.StartAsync(nameof(EnrichAuto), input, ct), links);
    }

    private static ProblemHttpResult? NotEmbedded(string collection, RunStarter runs) => runs.Embeds(collection)
        ? null
        : Problems.BadRequest($"'{collection}' holds receipt labels or the receipts' metadata: it is judged by completion batches (POST /api/validations/submit), not embedded.");
}
