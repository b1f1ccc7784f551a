using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>reset C…</c>: seed 000's export, delete, reset to None and resubmit.</summary>
internal static class ResetCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collections = new Argument<string[]>("collections") { Description = "The collections to reset.", Arity = ArgumentArity.OneOrMore };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what would be exported, reset and submitted." };
        var skipReset = new Option<bool>("--skip-reset") { Description = "Keep summaries and statuses; only submit." };
        var skipSubmit = new Option<bool>("--skip-submit") { Description = "Export, delete and reset, but do not submit." };
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD for the resubmission." };
        var command = new Command("reset", "Export and delete batch summaries, reset items to None, and resubmit them.") { collections, dryRun, skipReset, skipSubmit, budget };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            var body = new { collections = parse.GetValue(collections), dryRun = parse.GetValue(dryRun), skipReset = parse.GetValue(skipReset), skipSubmit = parse.GetValue(skipSubmit), budgetUsd = parse.GetValue(budget) };
            JsonObject r = Orchestrations.Output(await Orchestrations.RunAsync(client, "api/embeddings/reset", body, parse.InvocationConfiguration.Error, ct));
            TextWriter o = parse.InvocationConfiguration.Output;
            await o.WriteLineAsync($"{r["message"]}");
            if (r["exportPath"] is { } path)
            {
                await o.WriteLineAsync($"  export: {path} (in the blob store)");
            }

            foreach (JsonNode? i in r["items"]!.AsArray())
            {
                await o.WriteLineAsync($"  {i!["collection"]}: before {i["before"]!.ToJsonString()}, reset {i["reset"]}");
            }

            foreach (JsonNode? s in r["submissions"]!.AsArray())
            {
                await Views.WriteSubmitAsync(o, s!.AsObject());
            }

            return CliApp.Ok;
        });
        return command;
    }
}
