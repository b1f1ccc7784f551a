using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary><c>/api/collections…</c>: items in, stats and search out (handlers in <see cref="CollectionsApi"/>).</summary>
public static class CollectionsFunctions
{
    [Function("Api_ListCollections")]
    public static async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "collections")] HttpRequest req, FunctionContext context) =>
        await CollectionsApi.ListAsync(context.InstanceServices.Get<IItemStore>(), req.HttpContext.RequestAborted);

    [Function("Api_ImportItems")]
    public static async Task<IResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "collections/{collection}/items")] HttpRequest req, string collection, FunctionContext context) =>
        await CollectionsApi.ImportAsync(collection, req, context.InstanceServices.Get<IItemStore>(), req.HttpContext.RequestAborted);

    [Function("Api_CollectionProgress")]
    public static async Task<IResult> ProgressAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "collections/{collection}/progress")] HttpRequest req, string collection,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        await CollectionsApi.ProgressAsync(collection, new ClientBoundServices(context.InstanceServices, client).Get<BatchSummaries>(), req.HttpContext.RequestAborted);

    [Function("Api_CollectionStats")]
    public static async Task<IResult> StatsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "collections/{collection}/stats")] HttpRequest req, string collection,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        await CollectionsApi.StatsAsync(collection, new ClientBoundServices(context.InstanceServices, client).Get<CollectionStatsReader>(), req.HttpContext.RequestAborted);

    [Function("Api_Search")]
    public static async Task<IResult> SearchAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "collections/{collection}/search")] HttpRequest req, string collection, FunctionContext context)
    {
        IServiceProvider s = context.InstanceServices;
        return await CollectionsApi.SearchAsync(collection, req, s.Get<IItemStore>(), s.Get<IVectorStore>(), s.Get<IBatchProvider>(), s.Get<EmbeddingTargets>(), req.HttpContext.RequestAborted);
    }
}
