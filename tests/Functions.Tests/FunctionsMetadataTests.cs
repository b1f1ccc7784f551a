using System.Text.Json.Nodes;
using BatchEmbed.Hosting;
using BatchEmbed.Workflows;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Functions.Tests;

/// <summary>
/// What the Functions host would load: the Worker SDK's generated functions.metadata and extensions.json. No Functions
/// host can be installed here, so these hold the app to the triggers, routes and names the README documents and the
/// standalone host serves.
/// </summary>
public sealed class FunctionsMetadataTests
{
    /// <summary>Every HTTP function: name, methods, route (under host.json's prefix), auth level. The README's API table.</summary>
    public static readonly (string Name, string Method, string Route, string Auth)[] HttpFunctions =
    [
        ("Api_ListCollections", "get", "collections", "Function"),
        ("Api_ImportItems", "post", "collections/{collection}/items", "Function"),
        ("Api_CollectionProgress", "get", "collections/{collection}/progress", "Function"),
        ("Api_CollectionStats", "get", "collections/{collection}/stats", "Function"),
        ("Api_Search", "post", "collections/{collection}/search", "Function"),
        ("Api_Submit", "post", "embeddings/{collection}/submit", "Function"),
        ("Api_Ingest", "post", "embeddings/{collection}/ingest", "Function"),
        ("Api_Reset", "post", "embeddings/reset", "Function"),
        ("Api_Enrich", "post", "embeddings/enrich", "Function"),
        ("Api_ListBatches", "get", "batches", "Function"),
        ("Api_GetBatch", "get", "batches/{batchId}", "Function"),
        ("Api_BatchProvider", "get", "batches/{batchId}/provider", "Function"),
        ("Api_BatchErrors", "get", "batches/{batchId}/errors", "Function"),
        ("Api_CancelBatch", "post", "batches/{batchId}/cancel", "Function"),
        ("Api_ImportLabels", "post", "labels", "Function"),
        ("Api_ListLabels", "get", "labels", "Function"),
        ("Api_LabelStats", "get", "labels/stats", "Function"),
        ("Api_ValidateSubmit", "post", "validations/submit", "Function"),
        ("Api_ValidateIngest", "post", "validations/ingest", "Function"),
        ("Api_ListMigrations", "get", "migrations", "Function"),
        ("Api_MigrationStatus", "get", "migrations/{name}", "Function"),
        ("Api_MigrationStart", "post", "migrations/{name}/start", "Function"),
        ("Api_MigrationResume", "post", "migrations/{name}/resume", "Function"),
        ("Api_MigrationRetryFailed", "post", "migrations/{name}/retry-failed", "Function"),
        ("Api_MigrationVerify", "post", "migrations/{name}/verify", "Function"),
        ("Api_MigrationSwap", "post", "migrations/{name}/swap", "Function"),
        ("Api_MigrationRollback", "post", "migrations/{name}/rollback", "Function"),
        ("Api_MigrationCleanup", "post", "migrations/{name}/cleanup", "Function"),
        ("Monitor", "get", "monitor/{name?}", "Anonymous"),
    ];

    [Fact]
    public void Every_http_function_has_the_documented_trigger_route_methods_and_auth_level()
    {
        var found = FunctionsBuild.Metadata().Select(f => f!.AsObject())
            .Select(f => (Name: (string)f["name"]!, Trigger: Trigger(f)))
            .Where(f => (string)f.Trigger["type"]! == "httpTrigger")
            .Select(f => ((string)f.Name, Assert.Single(f.Trigger["methods"]!.AsArray())!.GetValue<string>(), (string)f.Trigger["route"]!, (string)f.Trigger["authLevel"]!))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(HttpFunctions.OrderBy(f => f.Name, StringComparer.Ordinal), found);
    }

    [Fact]
    public void The_timer_runs_PollPending_on_the_schedule_setting()
    {
        JsonObject timer = Assert.Single(FunctionsBuild.Metadata(), f => (string)Trigger(f!.AsObject())["type"]! == "timerTrigger")!.AsObject();
        Assert.Equal("PollPending", (string)timer["name"]!);
        Assert.Equal("%PollPending__Schedule%", (string)Trigger(timer)["schedule"]!);
        Assert.Contains(timer["bindings"]!.AsArray(), b => (string)b!["type"]! == "durableClient");
    }

    [Fact]
    public void Both_hosts_run_the_same_orchestrators_activities_and_entities_under_the_same_names()
    {
        JsonArray metadata = FunctionsBuild.Metadata();
        Assert.Equal(Names(WorkflowRegistry.Orchestrators), FunctionsOf(metadata, "orchestrationTrigger"));
        Assert.Equal(Names(WorkflowRegistry.Activities), FunctionsOf(metadata, "activityTrigger"));
        Assert.Equal(Names(WorkflowRegistry.Entities), FunctionsOf(metadata, "entityTrigger"));
        Assert.Equal(10, WorkflowRegistry.Orchestrators.Count);
        Assert.Equal(4, WorkflowRegistry.Entities.Count);
    }

    [Fact]
    public void The_durable_extension_is_loaded_and_host_json_configures_it()
    {
        JsonArray extensions = FunctionsBuild.Extensions()["extensions"]!.AsArray();
        Assert.Contains(extensions, e => (string)e!["name"]! == "DurableTask" && ((string)e["typeName"]!).StartsWith("Microsoft.Azure.WebJobs.Extensions.DurableTask.", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(FunctionsBuild.Output, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.DurableTask.dll")));
        JsonObject host = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsBuild.Output, "host.json")))!.AsObject();
        Assert.Equal("2.0", (string)host["version"]!);
        Assert.Equal("api", (string)host["extensions"]!["http"]!["routePrefix"]!);
        JsonObject durable = host["extensions"]!["durableTask"]!.AsObject();
        Assert.Equal("BatchEmbed", (string)durable["hubName"]!);
        Assert.Equal("AzureStorage", (string)durable["storageProvider"]!["type"]!);
        Assert.Equal("dotnet-isolated", (string)JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsBuild.Output, "worker.config.json")))!["description"]!["language"]!);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_standalone_host_serves_the_same_app_routes_with_the_same_methods()
    {
        string data = Directory.CreateTempSubdirectory("functions-routes-").FullName;
        await using HostApp host = await HostApp.StartAsync([], data, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = data,
            ["Host:Port"] = "0",
            ["PollPending:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var routes = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } r && (r.StartsWith("/api/", StringComparison.Ordinal) || r.StartsWith("/monitor", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m.ToLowerInvariant(), Normalize(e.RoutePattern.RawText!))))
            .ToHashSet();
        var functions = HttpFunctions.Where(f => f.Name != "Monitor").Select(f => (f.Method, "/api/" + f.Route)).ToHashSet();
        Assert.Subset(routes, functions);
        Assert.Subset(functions, routes.Where(r => r.Item2.StartsWith("/api/", StringComparison.Ordinal)).ToHashSet());
        Assert.Contains(("get", "/monitor"), routes);
    }

    private static string Normalize(string route) => route.Replace("//", "/", StringComparison.Ordinal).TrimEnd('/');

    private static JsonObject Trigger(JsonObject function) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));

    private static List<string> Names(IReadOnlyList<(string Name, Type Type)> registered) => registered.Select(r => r.Name).Order(StringComparer.Ordinal).ToList();

    private static List<string> FunctionsOf(JsonArray metadata, string trigger) =>
        metadata.Select(f => f!.AsObject()).Where(f => (string)Trigger(f)["type"]! == trigger).Select(f => (string)f["name"]!).Order(StringComparer.Ordinal).ToList();
}
