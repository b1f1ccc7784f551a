using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>validate submit|ingest|status</c>: receipt labels judged by batch chat completions (seed 004).</summary>
internal static class ValidateCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD; a submission projected above it submits nothing (exit code 3)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and price only; submit nothing." };
        var maxLabels = new Option<long?>("--max-labels") { Description = "Submit at most this many labels (whole receipts)." };
        var submit = new Command("submit", "Submit the labels that need validation as chat-completion batches (50% price).") { budget, dryRun, maxLabels };
        remote.AddTo(submit);
        submit.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject output = await SubmitAsync(client, new { budgetUsd = parse.GetValue(budget), dryRun = parse.GetValue(dryRun), maxLabels = parse.GetValue(maxLabels) }, parse.InvocationConfiguration.Error, ct);
            await Views.WriteSubmitAsync(parse.InvocationConfiguration.Output, output);
            return (string?)output["outcome"] == "refused" ? CliApp.BudgetRefused : CliApp.Ok;
        });

        var wait = new Option<bool>("--wait") { Description = "Keep polling until every completion batch is finished and ingested." };
        var ingest = new Command("ingest", "Poll the completion batches and apply each label's verdict.") { wait };
        remote.AddTo(ingest);
        ingest.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject output = await IngestAsync(client, parse.GetValue(wait), parse.InvocationConfiguration.Error, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync((string?)output["message"]);
            return CliApp.Ok;
        });

        var status = new Command("status", "Labels by validation status under the current prompt and model.");
        remote.AddTo(status);
        status.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            await WriteStatusAsync(parse.InvocationConfiguration.Output, (JsonObject)(await client.GetAsync("api/labels/stats", ct))!);
            return CliApp.Ok;
        });
        return new Command("validate", "Validate receipt labels with batch chat completions.") { submit, ingest, status };
    }

    public static async Task<JsonObject> SubmitAsync(HostClient client, object? body, TextWriter progress, CancellationToken ct) =>
        Orchestrations.Output(await Orchestrations.RunAsync(client, "api/validations/submit", body, progress, ct));

    /// <summary>Runs the ingest (or follows the one running); with <paramref name="wait"/>, again until no batch is open.</summary>
    public static async Task<JsonObject> IngestAsync(HostClient client, bool wait, TextWriter progress, CancellationToken ct)
    {
        while (true)
        {
            JsonObject output = Orchestrations.Output(await Orchestrations.RunAsync(client, "api/validations/ingest", new { wait }, progress, ct));
            if (!wait || (int?)output["open"] is null or 0)
            {
                return output;
            }
        }
    }

    public static async Task WriteStatusAsync(TextWriter o, JsonObject stats)
    {
        await o.WriteLineAsync($"{stats["collection"]}: {Views.N(stats["total"])} labels under {stats["model"]}, prompt {stats["promptVersion"]} ({stats["fingerprint"]})");
        foreach ((string name, JsonNode? count) in stats["byStatus"]!.AsObject())
        {
            await o.WriteLineAsync($"  {name,-12} {Views.N(count),10}");
        }
    }
}
