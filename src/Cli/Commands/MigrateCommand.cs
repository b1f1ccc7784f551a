using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary>
/// <c>migrate start|resume|status|retry-failed|verify|swap|rollback|cleanup NAME</c>: blue/green re-embedding
/// migrations (seed 003) through the host's <c>/api/migrations/{name}/…</c>.
/// </summary>
internal static class MigrateCommand
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static Command Create(RemoteOptions remote)
    {
        var collection = new Option<string>("--collection") { Description = "The collection to migrate.", Required = true };
        var model = new Option<string?>("--model") { Description = "The target model (default: the pipeline's)." };
        var dimensions = new Option<int?>("--dimensions") { Description = "The target vector length (text-embedding-3 models)." };
        var mode = new Option<string>("--mode") { Description = "batch, sync (the synchronous API) or auto (sync for small jobs).", DefaultValueFactory = _ => "auto" };
        var syncBelow = new Option<long?>("--sync-below") { Description = "In auto mode, embed synchronously at most this many items (default 1,000)." };
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD per submission; above it nothing is submitted (exit code 3)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and projected cost; change nothing." };
        var start = Named("start", "Start a migration: copy the collection and re-embed it into a target index beside the source.", remote, collection, model, dimensions, mode, syncBelow, budget, dryRun);
        start.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            string name = parse.GetValue(Name)!;
            JsonObject output = Orchestrations.Output(await Orchestrations.RunAsync(client, $"api/migrations/{name}/start", new
            {
                collection = parse.GetValue(collection),
                model = parse.GetValue(model),
                dimensions = parse.GetValue(dimensions),
                mode = parse.GetValue(mode),
                syncBelow = parse.GetValue(syncBelow),
                budgetUsd = parse.GetValue(budget),
                dryRun = parse.GetValue(dryRun),
            }, parse.InvocationConfiguration.Error, ct));
            return await WriteRunAsync(client, parse.InvocationConfiguration.Output, name, output, ct);
        });

        var resumeBudget = new Option<decimal?>("--budget") { Description = "Budget in USD per submission." };
        Command resume = Run("resume", "Continue a stopped or failed migration from its checkpoint (nothing embedded is paid again).", remote, resumeBudget);
        Command retry = Run("retry-failed", "Send only the items that failed every attempt again.", remote, resumeBudget);

        var status = Named("status", "Progress, counts, model, provider, started, elapsed, rate, ETA and last error.", remote);
        status.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            await WriteStatusAsync(parse.InvocationConfiguration.Output, (JsonObject)(await client.GetAsync($"api/migrations/{parse.GetValue(Name)}", ct))!);
            return CliApp.Ok;
        });

        var queries = new Option<int?>("--queries") { Description = "Sample queries run against both indexes (default 20)." };
        var k = new Option<int?>("--k") { Description = "Top-k compared per query (default 10)." };
        var minOverlap = new Option<double?>("--min-overlap") { Description = "The mean top-k overlap required to pass, 0-1 (default 0.5)." };
        var verify = Named("verify", "Check item and vector counts, dimensions, every item present, and the top-k overlap of sample queries.", remote, queries, k, minOverlap);
        verify.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject report = Orchestrations.Output(await Orchestrations.RunAsync(client, $"api/migrations/{parse.GetValue(Name)}/verify",
                new { queries = parse.GetValue(queries), k = parse.GetValue(k), minOverlap = parse.GetValue(minOverlap) }, parse.InvocationConfiguration.Error, ct));
            await WriteReportAsync(parse.InvocationConfiguration.Output, report);
            return (bool?)report["passed"] == true ? CliApp.Ok : CliApp.InputRejected;
        });

        var force = new Option<bool>("--force") { Description = "Go ahead without a passing verify (cleanup before a swap abandons the target)." };
        Command swap = Switch("swap", "Point the collection's alias at the target index, atomically.", remote, force);
        Command rollback = Switch("rollback", "Point the collection's alias back at the source index.", remote, force);
        var cleanup = Named("cleanup", "Delete the index no longer searched and the migration's tracked items.", remote, force);
        cleanup.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject output = Orchestrations.Output(await Orchestrations.RunAsync(client, $"api/migrations/{parse.GetValue(Name)}/cleanup", new { force = parse.GetValue(force) }, parse.InvocationConfiguration.Error, ct));
            await parse.InvocationConfiguration.Output.WriteLineAsync((string?)output["message"]);
            return (string?)output["outcome"] == "cleaned" ? CliApp.Ok : CliApp.InputRejected;
        });

        return new Command("migrate", "Blue/green re-embedding migrations: start, resume, status, retry-failed, verify, swap, rollback, cleanup.")
        {
            start, resume, status, retry, verify, swap, rollback, cleanup,
        };
    }

    private static readonly Argument<string> Name = new("name") { Description = "The migration's name (lowercase letters, digits, '-' or '_')." };

    private static Command Named(string verb, string description, RemoteOptions remote, params Option[] options)
    {
        var command = new Command(verb, description) { Name };
        foreach (Option o in options)
        {
            command.Options.Add(o);
        }

        remote.AddTo(command);
        return command;
    }

    private static Command Run(string verb, string description, RemoteOptions remote, Option<decimal?> budget)
    {
        Command command = Named(verb, description, remote, budget);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            string name = parse.GetValue(Name)!;
            JsonObject output = Orchestrations.Output(await Orchestrations.RunAsync(client, $"api/migrations/{name}/{verb}", new { budgetUsd = parse.GetValue(budget) }, parse.InvocationConfiguration.Error, ct));
            return await WriteRunAsync(client, parse.InvocationConfiguration.Output, name, output, ct);
        });
        return command;
    }

    private static Command Switch(string verb, string description, RemoteOptions remote, Option<bool> force)
    {
        Command command = Named(verb, description, remote, force);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            var change = (JsonObject)(await client.PostJsonAsync($"api/migrations/{parse.GetValue(Name)}/{verb}", new { force = parse.GetValue(force) }, ct))!;
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{verb}: alias '{change["alias"]}' now names {change["to"]} (was {change["from"]}).");
            return CliApp.Ok;
        });
        return command;
    }

    private static async Task<int> WriteRunAsync(HostClient client, TextWriter o, string name, JsonObject output, CancellationToken ct)
    {
        await o.WriteLineAsync((string?)output["message"]);
        if (output["plan"] is JsonObject plan)
        {
            await o.WriteLineAsync($"  {plan["collection"]}: {plan["sourceIndex"]} -> {plan["targetIndex"]} ({plan["targetModel"]} x {plan["targetDimensions"] ?? "default"}, mode {plan["mode"]}{((bool?)plan["sync"] == true ? ", synchronous" : string.Empty)})");
            return CliApp.Ok;
        }

        await WriteStatusAsync(o, (JsonObject)(await client.GetAsync($"api/migrations/{name}", ct))!);
        return (string?)output["outcome"] switch
        {
            "refused" => CliApp.BudgetRefused,
            "embedded" => CliApp.Ok,
            _ => CliApp.InputRejected,
        };
    }

    public static async Task WriteStatusAsync(TextWriter o, JsonObject s)
    {
        JsonObject p = s["progress"]!.AsObject(), items = p["items"]!.AsObject(), state = s["state"]!.AsObject();
        await o.WriteLineAsync($"migration {s["name"]}: {s["phase"]}{(s["runtimeStatus"] is { } rt ? $" ({rt})" : string.Empty)}");
        await o.WriteLineAsync($"  collection {s["collection"]}  model {s["model"]} x {s["dimensions"]}  provider {s["provider"]}  mode {s["mode"]}{((bool?)s["sync"] == true ? " (synchronous)" : string.Empty)}");
        await o.WriteLineAsync($"  source     {s["sourceIndex"]}");
        await o.WriteLineAsync($"  target     {s["targetIndex"]} ({Views.N(p["targetVectors"])} vectors)");
        await o.WriteLineAsync($"  serving    {s["serving"]}");
        await o.WriteLineAsync($"  progress   {((double?)p["percent"] ?? 0).ToString("0.0", s_inv)}% of {Views.N(p["sourceItems"])} items: embedded {Views.N(items["succeeded"])}, pending {Views.N(items["pending"])}, to do {Views.N(items["none"])}, failed {Views.N(items["failed"])}");
        await o.WriteLineAsync($"  copy       {Views.N(state["items"])} source items read, {Views.N(state["copied"])} new or changed since the copy before");
        await o.WriteLineAsync($"  batches    {Views.N(p["processed"])} items processed, last batch {p["currentBatch"] ?? "-"}, rate {(p["itemsPerSecond"] is { } r ? r + " items/s" : "-")}, ETA {Eta(p["etaSeconds"])}");
        await o.WriteLineAsync($"  started    {s["started"] ?? "-"}  elapsed {(s["elapsedSeconds"] is { } e ? ((double)e).ToString("0.0", s_inv) + " s" : "-")}  projected {Views.Usd(state["projectedUsd"])}");
        if (state["lastError"] is { } error)
        {
            await o.WriteLineAsync($"  last error {error}");
        }

        if (p["failedIds"] is JsonArray { Count: > 0 } failed)
        {
            await o.WriteLineAsync($"  failed ids {string.Join(", ", failed.Select(f => (string?)f))}");
        }

        if (state["verify"] is JsonObject verify)
        {
            await o.WriteLineAsync($"  verify     {((bool?)verify["passed"] == true ? "passed" : "FAILED")} at {verify["at"]}");
        }

        foreach (JsonNode? swap in state["swaps"]!.AsArray())
        {
            await o.WriteLineAsync($"  {swap!["action"],-10} {swap["at"]}: {swap["from"]} -> {swap["to"]}{((bool?)swap["forced"] == true ? " (forced)" : string.Empty)}");
        }
    }

    private static async Task WriteReportAsync(TextWriter o, JsonObject report)
    {
        await o.WriteLineAsync($"verify {((bool?)report["passed"] == true ? "PASSED" : "FAILED")}: {report["sourceIndex"]} -> {report["targetIndex"]}");
        foreach (JsonNode? check in report["checks"]!.AsArray())
        {
            await o.WriteLineAsync($"  [{((bool?)check!["passed"] == true ? "pass" : "FAIL")}] {check["name"]}: {check["detail"]}");
        }
    }

    private static string Eta(JsonNode? seconds) => seconds is null ? "-" : (double)seconds < 90 ? $"{(double)seconds:0} s" : $"{(double)seconds / 60:0} min";
}
