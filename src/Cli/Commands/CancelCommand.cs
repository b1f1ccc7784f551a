using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>cancel BATCH_ID</c>: cancels at the provider; what finished is still ingested.</summary>
internal static class CancelCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var batchId = new Argument<string>("batch-id") { Description = "Our batch id (see `batches`)." };
        var command = new Command("cancel", "Cancel a batch at the provider; its finished requests are still ingested.") { batchId };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            JsonObject s = Orchestrations.Output(await Orchestrations.RunAsync(
                client, $"api/batches/{Uri.EscapeDataString(parse.GetValue(batchId)!)}/cancel", null, parse.InvocationConfiguration.Error, ct));
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{s["batchId"]}: {s["status"]}");
            return CliApp.Ok;
        });
        return command;
    }
}
