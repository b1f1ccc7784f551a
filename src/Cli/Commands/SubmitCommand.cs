using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>submit COLLECTION</c>: find, chunk, budget-check and submit what needs embedding; waits and reports.</summary>
internal static class SubmitCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collection = new Argument<string>("collection") { Description = "The collection to submit." };
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD; a submission projected above it submits nothing (exit code 3)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan and price only; submit nothing." };
        var maxItems = new Option<long?>("--max-items") { Description = "Submit at most this many items." };
        var command = new Command("submit", "Submit the collection's items that need an embedding as Batch API jobs (50% price).") { collection, budget, dryRun, maxItems };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject output = await RunAsync(client, parse.GetValue(collection)!, new { budgetUsd = parse.GetValue(budget), dryRun = parse.GetValue(dryRun), maxItems = parse.GetValue(maxItems) }, parse.InvocationConfiguration.Error, ct);
            await Views.WriteSubmitAsync(parse.InvocationConfiguration.Output, output);
            return (string?)output["outcome"] == "refused" ? CliApp.BudgetRefused : CliApp.Ok;
        });
        return command;
    }

    public static async Task<JsonObject> RunAsync(HostClient client, string collection, object? body, TextWriter progress, CancellationToken ct) =>
        Orchestrations.Output(await Orchestrations.RunAsync(client, $"api/embeddings/{Uri.EscapeDataString(collection)}/submit", body, progress, ct));
}
