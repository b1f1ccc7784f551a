using System.Text.Json;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Text;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchEmbed.Workflows.Http;

/// <summary>Items in, stats and search out: <c>/api/collections/{collection}/…</c>.</summary>
public static class CollectionsApi
{
    public const int MaxRejectedListed = 1_000;

    public static RouteGroupBuilder MapCollectionsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/collections", ListAsync);
        RouteGroupBuilder g = api.MapGroup("/collections/{collection}");
        g.MapGet("/progress", ProgressAsync);
        g.MapPost("/items", ImportAsync);
        g.MapGet("/stats", StatsAsync);
        g.MapPost("/search", SearchAsync);
        return api;
    }

    public sealed record Rejected(long Line, string Error);

    public sealed record ImportResponse(string Collection, long Imported, long Updated, long Unchanged, long SkippedEmpty, long RejectedCount, IReadOnlyList<Rejected> Rejected);

    public sealed record SearchRequest(string? Text, float[]? Vector, int? K);

    public sealed record SearchHit(string Id, int Chunk, float Score);

    public sealed record SearchResponse(string Collection, string Index, IReadOnlyList<SearchHit> Hits);

    /// <summary>Streams NDJSON lines <c>{"id","text","groupKey"?,"metadata"?}</c> into the item store.</summary>
    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(string collection, HttpRequest request, IItemStore items, CancellationToken ct)
    {
        if (!CollectionName.IsValid(collection))
        {
            return Problems.BadRequest($"Invalid collection name '{collection}': use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }

        var intake = new ItemIntake(collection, MaxRejectedListed);
        ImportResult result = await items.ImportAsync(collection, intake.ItemsAsync(request.Body, ct), ct);
        var rejected = intake.Errors.Select(e => new Rejected(e.Line, e.Message)).ToList();
        if (intake.ErrorCount > 0 && result.Imported + result.Updated + result.Unchanged == 0)
        {
            return Problems.BadRequest($"No line could be imported: {intake.ErrorCount} line(s) were rejected.", new Dictionary<string, object?> { ["rejected"] = rejected });
        }

        return TypedResults.Ok(new ImportResponse(collection, result.Imported, result.Updated, result.Unchanged, intake.EmptyTexts, intake.ErrorCount, rejected));
    }

    public sealed record CollectionSummary(string Name, long Items);

    public static async Task<Ok<List<CollectionSummary>>> ListAsync(IItemStore items, CancellationToken ct)
    {
        var list = new List<CollectionSummary>();
        foreach (string name in (await items.CollectionsAsync(ct)).Where(c => !MigrationNames.IsShadow(c)))
        {
            list.Add(new CollectionSummary(name, (await items.CountByStatusAsync(name, ct)).Values.Sum()));
        }

        return TypedResults.Ok(list);
    }

    public sealed record ProgressPoint(DateTimeOffset At, string BatchId, int ItemsSucceeded, long CumulativeItems, decimal CumulativeUsd);

    /// <summary>Items embedded over time: one point per ingested batch, cumulative.</summary>
    public static async Task<Ok<List<ProgressPoint>>> ProgressAsync(string collection, BatchSummaries summaries, CancellationToken ct)
    {
        var ingested = new List<BatchSummary>();
        await foreach (BatchSummary s in summaries.ListAsync(collection, ct))
        {
            if (s.IngestedAt is not null)
            {
                ingested.Add(s);
            }
        }

        long items = 0;
        decimal usd = 0;
        var points = new List<ProgressPoint>();
        foreach (BatchSummary s in ingested.OrderBy(s => s.IngestedAt))
        {
            items += s.Ingest?.ItemsSucceeded ?? 0;
            usd += s.ActualUsd ?? 0;
            points.Add(new ProgressPoint(s.IngestedAt!.Value, s.BatchId, s.Ingest?.ItemsSucceeded ?? 0, items, usd));
        }

        return TypedResults.Ok(points);
    }

    public static async Task<Results<Ok<CollectionStats>, ProblemHttpResult>> StatsAsync(string collection, CollectionStatsReader stats, CancellationToken ct)
    {
        CollectionStats? s = await stats.ReadAsync(collection, ct);
        return s is null ? Problems.NotFound($"There is no collection '{collection}'.") : TypedResults.Ok(s);
    }

    public static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        string collection, HttpRequest request, IItemStore items, IVectorStore vectors, IBatchProvider provider, EmbeddingTargets targets, CancellationToken ct)
    {
        (SearchRequest? body, IResult? error) = await RequestGuards.ReadAsync<SearchRequest>(request.HttpContext, ct);
        if (error is not null)
        {
            return (ProblemHttpResult)error;
        }

        if (body is null || (body.Text is null) == (body.Vector is null))
        {
            return Problems.BadRequest("Send exactly one of \"text\" or \"vector\", and optionally \"k\".");
        }

        int k = body.K ?? 10;
        if (k is < 1 or > 1000)
        {
            return Problems.BadRequest("\"k\" must be between 1 and 1000.");
        }

        if (await RequestGuards.UnknownCollection(collection, items, ct) is { } unknown)
        {
            return unknown;
        }

        // One read of the collection's alias names the index (a migration's swap switches it atomically); the query is
        // embedded for that index and searched in it, so a search during a swap sees the old index or the new one.
        (string index, EmbeddingConfig? config) = await targets.ServingAsync(collection, ct);
        if (config is null)
        {
            return Problems.Conflict($"The alias '{collection}' names index '{index}', which no known settings or migration of '{collection}' writes.");
        }

        float[] query;
        if (body.Vector is { } v)
        {
            if (config.Target.EffectiveDimensions is { } dims && v.Length != dims)
            {
                return Problems.BadRequest($"The vector has {v.Length} dimensions; the collection's index has {dims}.");
            }

            query = v;
        }
        else
        {
            string text = TextNormalizer.Normalize(body.Text!);
            if (text.Length == 0)
            {
                return Problems.BadRequest("\"text\" is empty.");
            }

            try
            {
                query = (await provider.EmbedAsync(config.Target.Model, [text], config.Target.Dimensions, ct)).Vectors[0];
            }
            catch (BatchProviderException ex)
            {
                return Problems.BadGateway("The provider could not embed the query: " + ex.Message);
            }
        }

        IReadOnlyList<VectorHit> hits = await vectors.SearchAsync(index, query, k, ct);
        var results = hits.Select(h => CustomId.TryParse(h.Key, out CustomId id) ? new SearchHit(id.ItemId, id.ChunkIndex, h.Score) : new SearchHit(h.Key, 0, h.Score)).ToList();
        return TypedResults.Ok(new SearchResponse(collection, index, results));
    }
}
