using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary><c>/api/labels…</c> and <c>/api/validations…</c>: receipt labels and their validation (handlers in <see cref="LabelsApi"/>).</summary>
public static class LabelsFunctions
{
    [Function("Api_ImportLabels")]
    public static async Task<IResult> ImportAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "labels")] HttpRequest req, FunctionContext context) =>
        await LabelsApi.ImportAsync(req, context.InstanceServices.Get<LabelImporter>(), context.InstanceServices.Get<CompletionConfig>(), req.HttpContext.RequestAborted);

    [Function("Api_ListLabels")]
    public static async Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "labels")] HttpRequest req, FunctionContext context)
    {
        if (!Query.TryInt(req, "limit", out int? limit, out IResult? problem))
        {
            return problem!;
        }

        return await LabelsApi.ListAsync(
            context.InstanceServices.Get<IItemStore>(), context.InstanceServices.Get<CompletionConfig>(),
            Query.Text(req, "status"), Query.Text(req, "receipt"), Query.Text(req, "after"), limit, req.HttpContext.RequestAborted);
    }

    [Function("Api_LabelStats")]
    public static async Task<IResult> StatsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "labels/stats")] HttpRequest req, FunctionContext context) =>
        await LabelsApi.StatsAsync(context.InstanceServices.Get<IItemStore>(), context.InstanceServices.Get<CompletionConfig>(), req.HttpContext.RequestAborted);

    [Function("Api_ValidateSubmit")]
    public static Task<IResult> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "validations/submit")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        LabelsApi.SubmitAsync(req.HttpContext, new ClientBoundServices(context.InstanceServices, client).Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);

    [Function("Api_ValidateIngest")]
    public static Task<IResult> IngestAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "validations/ingest")] HttpRequest req,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        LabelsApi.IngestAsync(req.HttpContext, new ClientBoundServices(context.InstanceServices, client).Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
}
