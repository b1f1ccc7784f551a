using BatchEmbed.Connectors.Batches;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary><c>/api/batches…</c>: the BatchSummaries, the provider's view, error lines, cancel (handlers in <see cref="BatchesApi"/>).</summary>
public static class BatchesFunctions
{
    [Function("Api_ListBatches")]
    public static async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches")] HttpRequest req, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        await BatchesApi.ListAsync(Query.Text(req, "collection"), Query.Text(req, "status"), Summaries(context, client), req.HttpContext.RequestAborted);

    [Function("Api_GetBatch")]
    public static async Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batchId}")] HttpRequest req, string batchId,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        await BatchesApi.GetAsync(batchId, Summaries(context, client), req.HttpContext.RequestAborted);

    [Function("Api_BatchProvider")]
    public static async Task<IResult> ProviderAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batchId}/provider")] HttpRequest req, string batchId,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        await BatchesApi.ProviderAsync(batchId, Summaries(context, client), context.InstanceServices.Get<IBatchProvider>(), req.HttpContext.RequestAborted);

    [Function("Api_BatchErrors")]
    public static async Task<IResult> ErrorsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "batches/{batchId}/errors")] HttpRequest req, string batchId,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        if (!Query.TryInt(req, "limit", out int? limit, out IResult? problem))
        {
            return problem!;
        }

        return await BatchesApi.ErrorsAsync(batchId, limit, Summaries(context, client), context.InstanceServices.Get<ResultFiles>(), req.HttpContext.RequestAborted);
    }

    [Function("Api_CancelBatch")]
    public static Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "batches/{batchId}/cancel")] HttpRequest req, string batchId,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var s = new ClientBoundServices(context.InstanceServices, client);
        return BatchesApi.CancelAsync(batchId, req.HttpContext, s.Get<BatchSummaries>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    private static BatchSummaries Summaries(FunctionContext context, DurableTaskClient client) => new ClientBoundServices(context.InstanceServices, client).Get<BatchSummaries>();
}
