using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>status COLLECTION…</c>: items by status, the index, batches by status, spend.</summary>
internal static class StatusCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collections = new Argument<string[]>("collections") { Description = "One or more collections.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print the raw stats as JSON." };
        var command = new Command("status", "Show a collection's items, vectors, batches and spend.") { collections, json };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            foreach (string c in parse.GetValue(collections)!)
            {
                var stats = (JsonObject)(await client.GetAsync($"api/collections/{Uri.EscapeDataString(c)}/stats", ct))!;
                if (parse.GetValue(json))
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync(stats.ToJsonString());
                }
                else
                {
                    await Views.WriteStatsAsync(parse.InvocationConfiguration.Output, stats);
                }
            }

            return CliApp.Ok;
        });
        return command;
    }
}
