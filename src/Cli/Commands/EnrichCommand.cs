using System.CommandLine;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>enrich</c>: seed 002's auto mode, submit everything (the labels too) and ingest until done, then write a report.</summary>
internal static class EnrichCommand
{
    public static Command Create(RemoteOptions remote)
    {
        var collections = new Option<string[]>("--collections") { Description = "Collections to enrich (default: all).", AllowMultipleArgumentsPerToken = true };
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD per collection's submission." };
        var deadline = new Option<double?>("--deadline-hours") { Description = "Stop waiting after this long (default 26)." };
        var skipValidation = new Option<bool>("--skip-validation") { Description = "Leave the labels alone (by default they are validated beside the embeddings)." };
        var command = new Command("enrich", "Submit every collection and the labels, ingest until every batch is done, and write a report.") { collections, budget, deadline, skipValidation };
        remote.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            using HostClient client = remote.CreateClient(parse);
            var body = new { collections = parse.GetValue(collections) ?? [], budgetUsd = parse.GetValue(budget), deadlineHours = parse.GetValue(deadline), skipValidation = parse.GetValue(skipValidation) };
            JsonObject r = Orchestrations.Output(await Orchestrations.RunAsync(client, "api/embeddings/enrich", body, parse.InvocationConfiguration.Error, ct));
            foreach (JsonNode? s in r["submissions"]!.AsArray())
            {
                await Views.WriteSubmitAsync(parse.InvocationConfiguration.Output, s!.AsObject());
            }

            await Views.WriteIngestAsync(parse.InvocationConfiguration.Output, r["ingest"]!.AsObject());
            if (r["validation"] is JsonObject validation)
            {
                await Views.WriteSubmitAsync(parse.InvocationConfiguration.Output, validation);
                await parse.InvocationConfiguration.Output.WriteLineAsync("labels: " + (string?)r["answers"]?["message"]);
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync($"Report: {r["reportPath"]} (in the blob store)");
            return CliApp.Ok;
        });
        return command;
    }
}
