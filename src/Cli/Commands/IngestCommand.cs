using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>ingest COLLECTION</c>: poll the batches, store finished results, compact; with --wait until none is open.</summary>
internal static class IngestCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collection = new Argument<string>("collection") { Description = "The collection to ingest." };
        var wait = new Option<bool>("--wait") { Description = "Keep polling until every batch is finished and ingested." };
        var command = new Command("ingest", "Poll the collection's batches and store finished results as vectors.") { collection, wait };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject output = await RunAsync(client, parse.GetValue(collection)!, parse.GetValue(wait), parse.InvocationConfiguration.Error, ct);
            await Views.WriteIngestAsync(parse.InvocationConfiguration.Output, output);
            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>Runs ingest (or follows the one running); with <paramref name="wait"/>, again until no batch is open.</summary>
    public static async Task<JsonObject> RunAsync(HostClient client, string collection, bool wait, TextWriter progress, CancellationToken ct)
    {
        while (true)
        {
            JsonObject output = Orchestrations.Output(await Orchestrations.RunAsync(
                client, $"api/embeddings/{Uri.EscapeDataString(collection)}/ingest", new { wait }, progress, ct));
            if (!wait || (int?)output["open"] is null or 0)
            {
                return output;
            }
        }
    }
}
