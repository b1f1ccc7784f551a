using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary>
/// <c>/api/embeddings…</c>: the starters. Each answers 202 with the check-status payload from the bound Durable client,
/// or 409 while the collection's run is going (handlers in <see cref="EmbeddingsApi"/>).
/// </summary>
public static class EmbeddingsFunctions
{
    [Function("Api_Submit")]
    public static Task<IResult> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "embeddings/{collection}/submit")] HttpRequest req, string collection,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var s = new ClientBoundServices(context.InstanceServices, client);
        return EmbeddingsApi.SubmitAsync(collection, req.HttpContext, s.Get<IItemStore>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    [Function("Api_Ingest")]
    public static Task<IResult> IngestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "embeddings/{collection}/ingest")] HttpRequest req, string collection,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var s = new ClientBoundServices(context.InstanceServices, client);
        return EmbeddingsApi.IngestAsync(collection, req.HttpContext, s.Get<IItemStore>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    [Function("Api_Reset")]
    public static Task<IResult> ResetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "embeddings/reset")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var s = new ClientBoundServices(context.InstanceServices, client);
        return EmbeddingsApi.ResetAsync(req.HttpContext, s.Get<IItemStore>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    [Function("Api_Enrich")]
    public static Task<IResult> EnrichAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "embeddings/enrich")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var s = new ClientBoundServices(context.InstanceServices, client);
        return EmbeddingsApi.EnrichAsync(req.HttpContext, s.Get<IItemStore>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }
}
