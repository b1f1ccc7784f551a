using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>labels import FILE</c>: streams receipt labels (NDJSON) into the labels collection.</summary>
internal static class LabelsCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var file = new Argument<string>("file") { Description = "NDJSON of {\"imageId\",\"receiptId\",\"lineId\",\"wordId\",\"label\"} lines, or - for standard input." };
        var import = new Command("import", "Import receipt word labels; each must name a receipt, line and word already imported.") { file };
        remote.AddTo(import);
        import.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            await using Stream body = InputFiles.Open(parse.GetValue(file)!);
            JsonNode r = (await ImportAsync(client, body, ct))!;
            await WriteImportAsync(parse.InvocationConfiguration.Output, r);
            return (long)r["rejectedCount"]! > 0 ? CliApp.InputRejected : CliApp.Ok;
        });
        return new Command("labels", "Receipt word labels (validated by completion batches).") { import };
    }

    public static Task<JsonNode?> ImportAsync(HostClient client, Stream body, CancellationToken ct) => client.PostStreamAsync("api/labels", body, ct);

    public static async Task WriteImportAsync(TextWriter o, JsonNode r)
    {
        await o.WriteLineAsync($"labels: {r["imported"]} imported, {r["updated"]} updated, {r["unchanged"]} unchanged, {r["rejectedCount"]} rejected");
        foreach (JsonNode? rej in r["rejected"]!.AsArray().Take(20))
        {
            await o.WriteLineAsync($"  line {rej!["line"]}: {rej["error"]}");
        }
    }
}
