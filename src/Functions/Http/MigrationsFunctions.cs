using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary><c>/api/migrations…</c>: blue/green re-embedding migrations (handlers in <see cref="MigrationsApi"/>).</summary>
public static class MigrationsFunctions
{
    [Function("Api_ListMigrations")]
    public static Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "migrations")] HttpRequest req, FunctionContext context) =>
        MigrationsApi.ListAsync(context.InstanceServices.Get<MigrationCatalog>(), req.HttpContext.RequestAborted);

    [Function("Api_MigrationStatus")]
    public static Task<IResult> StatusAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "migrations/{name}")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        MigrationsApi.StatusAsync(name, Bound(context, client).Get<MigrationOperations>(), req.HttpContext.RequestAborted);

    [Function("Api_MigrationStart")]
    public static Task<IResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/start")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ClientBoundServices s = Bound(context, client);
        return MigrationsApi.StartAsync(name, req.HttpContext, s.Get<MigrationOperations>(), s.Get<MigrationCatalog>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    [Function("Api_MigrationResume")]
    public static Task<IResult> ResumeAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/resume")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context) => RunAsync(req, name, "resume", client, context);

    [Function("Api_MigrationRetryFailed")]
    public static Task<IResult> RetryFailedAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/retry-failed")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context) => RunAsync(req, name, "retry-failed", client, context);

    [Function("Api_MigrationVerify")]
    public static Task<IResult> VerifyAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/verify")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ClientBoundServices s = Bound(context, client);
        return MigrationsApi.VerifyAsync(name, req.HttpContext, s.Get<MigrationCatalog>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    [Function("Api_MigrationSwap")]
    public static Task<IResult> SwapAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/swap")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        MigrationsApi.SwitchAsync(name, "swap", req.HttpContext, Bound(context, client).Get<MigrationOperations>(), req.HttpContext.RequestAborted);

    [Function("Api_MigrationRollback")]
    public static Task<IResult> RollbackAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/rollback")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context) =>
        MigrationsApi.SwitchAsync(name, "rollback", req.HttpContext, Bound(context, client).Get<MigrationOperations>(), req.HttpContext.RequestAborted);

    [Function("Api_MigrationCleanup")]
    public static Task<IResult> CleanupAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "migrations/{name}/cleanup")] HttpRequest req, string name,
        [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ClientBoundServices s = Bound(context, client);
        return MigrationsApi.CleanupAsync(name, req.HttpContext, s.Get<MigrationOperations>(), s.Get<MigrationCatalog>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    private static Task<IResult> RunAsync(HttpRequest req, string name, string what, DurableTaskClient client, FunctionContext context)
    {
        ClientBoundServices s = Bound(context, client);
        return MigrationsApi.RunAsync(name, what, req.HttpContext, s.Get<MigrationOperations>(), s.Get<MigrationCatalog>(), s.Get<RunStarter>(), CheckStatus.From(client), req.HttpContext.RequestAborted);
    }

    private static ClientBoundServices Bound(FunctionContext context, DurableTaskClient client) => new(context.InstanceServices, client);
}
