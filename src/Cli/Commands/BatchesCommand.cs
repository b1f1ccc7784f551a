using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>batches [--collection C] [--status S]</c>: the BatchSummaries, newest first.</summary>
internal static class BatchesCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collection = new Option<string?>("--collection") { Description = "Only this collection's batches." };
        var status = new Option<string?>("--status") { Description = "Only batches in this status (e.g. InProgress, Ingested)." };
        var json = new Option<bool>("--json") { Description = "Print the summaries as JSON." };
        var command = new Command("batches", "List batch summaries: status, request counts, tokens, projected and actual cost.") { collection, status, json };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            var query = new List<string>();
            if (parse.GetValue(collection) is { } c)
            {
                query.Add("collection=" + Uri.EscapeDataString(c));
            }

            if (parse.GetValue(status) is { } s)
            {
                query.Add("status=" + Uri.EscapeDataString(s));
            }

            var list = (JsonArray)(await client.GetAsync("api/batches" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty), ct))!;
            if (parse.GetValue(json))
            {
                await parse.InvocationConfiguration.Output.WriteLineAsync(list.ToJsonString());
            }
            else
            {
                await Views.WriteBatchesAsync(parse.InvocationConfiguration.Output, list);
            }

            return CliApp.Ok;
        });
        return command;
    }
}
