using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>import COLLECTION FILE</c>: streams an NDJSON file into a collection (upsert by id).</summary>
internal static class ImportCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collection = new Argument<string>("collection") { Description = "The collection (e.g. lines)." };
        var file = new Argument<string>("file") { Description = "NDJSON of {\"id\",\"text\",\"groupKey\"?,\"metadata\"?} lines, or - for standard input." };
        var command = new Command("import", "Import items into a collection: new ids are added, changed texts go back to be re-embedded.") { collection, file };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            await using Stream body = InputFiles.Open(parse.GetValue(file)!);
            JsonNode r = (await ImportAsync(client, parse.GetValue(collection)!, body, ct))!;
            TextWriter o = parse.InvocationConfiguration.Output;
            await o.WriteLineAsync($"{r["collection"]}: {r["imported"]} imported, {r["updated"]} updated, {r["unchanged"]} unchanged, {r["skippedEmpty"]} empty, {r["rejectedCount"]} rejected");
            foreach (JsonNode? rej in r["rejected"]!.AsArray().Take(20))
            {
                await o.WriteLineAsync($"  line {rej!["line"]}: {rej["error"]}");
            }

            return (long)r["rejectedCount"]! > 0 ? CliApp.InputRejected : CliApp.Ok;
        });
        return command;
    }

    public static Task<JsonNode?> ImportAsync(HostClient client, string collection, Stream body, CancellationToken ct) =>
        client.PostStreamAsync($"api/collections/{Uri.EscapeDataString(collection)}/items", body, ct);
}
