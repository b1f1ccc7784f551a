using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>search COLLECTION TEXT</c>: nearest items by cosine similarity.</summary>
internal static class SearchCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collection = new Argument<string>("collection") { Description = "The collection to search." };
        var text = new Argument<string>("text") { Description = "The query text (embedded with the collection's model)." };
        var k = new Option<int>("--k") { Description = "How many results.", DefaultValueFactory = _ => 5 };
        var command = new Command("search", "Search a collection's vectors with a text query.") { collection, text, k };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject r = await SearchAsync(client, parse.GetValue(collection)!, parse.GetValue(text)!, parse.GetValue(k), ct);
            await WriteAsync(parse.InvocationConfiguration.Output, r);
            return CliApp.Ok;
        });
        return command;
    }

    public static async Task<JsonObject> SearchAsync(HostClient client, string collection, string text, int k, CancellationToken ct) =>
        (JsonObject)(await client.PostJsonAsync($"api/collections/{Uri.EscapeDataString(collection)}/search", new { text, k }, ct))!;

    public static async Task WriteAsync(TextWriter o, JsonObject r)
    {
        int rank = 1;
        foreach (JsonNode? h in r["hits"]!.AsArray())
        {
            await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {rank++,2}. {(float)h!["score"]!:F4}  {h["id"]} (chunk {h["chunk"]})"));
        }
    }
}
