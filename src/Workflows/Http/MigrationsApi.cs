using BatchEmbed.Domain.Migrations;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Pipeline;

namespace BatchEmbed.Workflows.Http;

/// <summary>
/// Blue/green re-embedding migrations (seed 003): <c>/api/migrations/{name}/…</c>. Runs (start, resume, retry-failed,
/// verify, cleanup) are orchestrations under the one instance id <c>migrate-{name}</c>, so they never overlap (202 with
/// the check-status payload, 409 while one runs); status, swap and rollback answer at once.
/// </summary>
public static class MigrationsApi
{
    public sealed record ResumeRequest(decimal? BudgetUsd);

    public sealed record VerifyRequest(int? Queries, int? K, double? MinOverlap);

    public sealed record ForceRequest(bool? Force);

    public sealed record MigrationSummary(string Name, string Collection, string TargetModel, int? TargetDimensions, string TargetIndex, DateTimeOffset CreatedAt);

    public static RouteGroupBuilder MapMigrationsApi(this RouteGroupBuilder api, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/migrations", ListAsync);
        RouteGroupBuilder g = api.MapGroup("/migrations/{name}");
        g.MapGet(string.Empty, (string name, MigrationOperations ops, CancellationToken ct) => StatusAsync(name, ops, ct));
        g.MapPost("/start", (string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CancellationToken ct) => StartAsync(name, http, ops, catalog, runs, links, ct));
        g.MapPost("/resume", (string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CancellationToken ct) => RunAsync(name, "resume", http, ops, catalog, runs, links, ct));
        g.MapPost("/retry-failed", (string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CancellationToken ct) => RunAsync(name, "retry-failed", http, ops, catalog, runs, links, ct));
        g.MapPost("/verify", (string name, HttpContext http, MigrationCatalog catalog, RunStarter runs, CancellationToken ct) => VerifyAsync(name, http, catalog, runs, links, ct));
        g.MapPost("/swap", (string name, HttpContext http, MigrationOperations ops, CancellationToken ct) => SwitchAsync(name, "swap", http, ops, ct));
        g.MapPost("/rollback", (string name, HttpContext http, MigrationOperations ops, CancellationToken ct) => SwitchAsync(name, "rollback", http, ops, ct));
        g.MapPost("/cleanup", (string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CancellationToken ct) => CleanupAsync(name, http, ops, catalog, runs, links, ct));
        return api;
    }

    public static async Task<IResult> ListAsync(MigrationCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var list = new List<MigrationSummary>();
        await foreach (MigrationDefinition m in catalog.ListAsync(ct))
        {
            list.Add(new MigrationSummary(m.Name, m.Collection, m.TargetModel, m.TargetDimensions, m.TargetIndex, m.CreatedAt));
        }

        return TypedResults.Ok(list);
    }

    public static async Task<IResult> StatusAsync(string name, MigrationOperations ops, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ops);
        return await ops.StatusAsync(name, ct) is { } status ? TypedResults.Ok(status) : Unknown(name);
    }

    /// <summary>Starts a migration (writes its definition), or with <c>dryRun</c> plans it and writes nothing.</summary>
    public static async Task<IResult> StartAsync(string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(runs);
        (MigrationStartRequest? body, IResult? error) = await RequestGuards.ReadAsync<MigrationStartRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        (MigrationDefinition? definition, string? refusal) = await ops.DefineAsync(name, body ?? new MigrationStartRequest(null, null, null, null, null, null, null), DateTimeOffset.UtcNow, ct);
        if (definition is null)
        {
            return Problems.BadRequest(refusal!);
        }

        bool dryRun = body?.DryRun ?? false;
        if (!dryRun)
        {
            if (await catalog.GetAsync(name, ct) is not null)
            {
                return Problems.Conflict($"Migration '{name}' has already started: resume it, or see its status.");
            }

            definition = await catalog.CreateAsync(definition, ct);
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(
            nameof(MigrateEmbeddings), MigrationOperations.InstanceId(name), ops.RunInput(name, "start", body?.BudgetUsd, dryRun ? definition : null), ct), links);
    }

    /// <summary>resume (the same run, from its checkpoint) or retry-failed (only the items that failed every attempt).</summary>
    public static async Task<IResult> RunAsync(string name, string what, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(runs);
        (ResumeRequest? body, IResult? error) = await RequestGuards.ReadAsync<ResumeRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (!MigrationNames.IsValid(name) || await catalog.GetAsync(name, ct) is null)
        {
            return Unknown(name);
        }

        if ((await ops.StateAsync(name, ct)).Phase == Entities.MigrationPhases.Cleaned)
        {
            return Problems.Conflict($"Migration '{name}' is cleaned up: start a new one.");
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(MigrateEmbeddings), MigrationOperations.InstanceId(name), ops.RunInput(name, what, body?.BudgetUsd), ct), links);
    }

    public static async Task<IResult> VerifyAsync(string name, HttpContext http, MigrationCatalog catalog, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(runs);
        (VerifyRequest? body, IResult? error) = await RequestGuards.ReadAsync<VerifyRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (!MigrationNames.IsValid(name) || await catalog.GetAsync(name, ct) is null)
        {
            return Unknown(name);
        }

        int queries = body?.Queries ?? 20, k = body?.K ?? 10;
        double minOverlap = body?.MinOverlap ?? 0.5;
        if (queries is < 1 or > 1_000 || k is < 1 or > 100 || minOverlap is < 0 or > 1)
        {
            return Problems.BadRequest("\"queries\" must be 1-1000, \"k\" 1-100 and \"minOverlap\" 0-1.");
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(VerifyMigration), MigrationOperations.InstanceId(name), new VerifyMigrationInput(name, queries, k, minOverlap, DateTimeOffset.UtcNow), ct), links);
    }

    public static async Task<IResult> SwitchAsync(string name, string action, HttpContext http, MigrationOperations ops, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ops);
        (ForceRequest? body, IResult? error) = await RequestGuards.ReadAsync<ForceRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (!MigrationNames.IsValid(name))
        {
            return Unknown(name);
        }

        (Entities.AliasChange? change, string? refusal) = await ops.SwitchAsync(name, action, body?.Force ?? false, ct);
        return change is not null ? TypedResults.Ok(change) : refusal!.StartsWith("There is no migration", StringComparison.Ordinal) ? Unknown(name) : Problems.Conflict(refusal);
    }

    public static async Task<IResult> CleanupAsync(string name, HttpContext http, MigrationOperations ops, MigrationCatalog catalog, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(runs);
        (ForceRequest? body, IResult? error) = await RequestGuards.ReadAsync<ForceRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (!MigrationNames.IsValid(name) || await catalog.GetAsync(name, ct) is not { } m)
        {
            return Unknown(name);
        }

        bool force = body?.Force ?? false;
        if (CleanupMigration.Refusal(m, await ops.StateAsync(name, ct), force) is { } why)
        {
            return Problems.Conflict(why);
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(CleanupMigration), MigrationOperations.InstanceId(name), new CleanupMigrationRequest(name, force), ct), links);
    }

    private static IResult Unknown(string name) => Problems.NotFound($"There is no migration '{name}': start one with POST /api/migrations/{name}/start.");
}
