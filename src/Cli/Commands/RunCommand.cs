using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Cli.Remote;
using BatchEmbed.Hosting;
using Microsoft.Extensions.Hosting;

namespace BatchEmbed.Cli.Commands;

/// <summary>
/// <c>run</c>: the main job on embedded defaults. Starts the host (SQLite, local files, the built-in index, the
/// emulator), imports the sample receipts (lines and words, embedded; receipts and labels), submits, ingests to
/// completion through real batch round trips, compacts, searches, validates the labels through completion batches,
/// and prints a summary. Everything after start-up goes through the HTTP API.
/// </summary>
internal static class RunCommand
{
    private static readonly string[] s_collections = ["lines", "words"];

    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "Directory with lines.ndjson and words.ndjson.", DefaultValueFactory = _ => Path.Combine("samples", "receipts") };
        var data = new Option<string>("--data") { Description = "The host's data directory.", DefaultValueFactory = _ => ".data" };
        var port = new Option<int>("--port") { Description = "Port for the host (a free one is used if it is taken).", DefaultValueFactory = _ => 7071 };
        var keep = new Option<bool>("--keep-running") { Description = "Keep the host running after the summary (Ctrl+C stops it)." };
        var command = new Command("run", "Run the whole pipeline on the sample receipts with the built-in emulator and print a summary.") { corpus, data, port, keep };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(corpus)!, parse.GetValue(data)!, parse.GetValue(port), parse.GetValue(keep), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(string corpus, string data, int port, bool keepRunning, TextWriter o, TextWriter progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        foreach (string c in s_collections.Append("receipts").Append("labels"))
        {
            if (!File.Exists(Path.Combine(corpus, c + ".ndjson")))
            {
                throw new IOException($"{Path.Combine(corpus, c + ".ndjson")} does not exist (generate one with `samples --receipts 40 --out {corpus}`).");
            }
        }

        await o.WriteLineAsync("Starting the host on embedded defaults (SQLite, local files, built-in vector index, built-in OpenAI emulator)...");
        await using HostApp host = await StartHostAsync(data, port);
        using var client = new HostClient(host.BaseUrl, host.Keys.FunctionKey);
        await o.WriteLineAsync($"Host at {host.BaseUrl} (data in {Path.GetFullPath(data)})");

        foreach (string c in s_collections)
        {
            await using Stream file = File.OpenRead(Path.Combine(corpus, c + ".ndjson"));
            JsonNode r = (await ImportCommand.ImportAsync(client, c, file, ct))!;
            await o.WriteLineAsync($"Imported {c}: {r["imported"]} new, {r["updated"]} updated, {r["unchanged"]} unchanged, {r["rejectedCount"]} rejected");
        }

        await using (Stream file = File.OpenRead(Path.Combine(corpus, "receipts.ndjson")))
        {
            JsonNode r = (await ImportCommand.ImportAsync(client, "receipts", file, ct))!;
            await o.WriteLineAsync($"Imported receipts: {r["imported"]} new, {r["updated"]} updated, {r["unchanged"]} unchanged, {r["rejectedCount"]} rejected (metadata for the label prompts; not embedded)");
        }

        await using (Stream file = File.OpenRead(Path.Combine(corpus, "labels.ndjson")))
        {
            await o.WriteAsync("Imported ");
            await LabelsCommand.WriteImportAsync(o, (await LabelsCommand.ImportAsync(client, file, ct))!);
        }

        var submitted = new List<JsonObject>();
        foreach (string c in s_collections)
        {
            JsonObject s = await SubmitCommand.RunAsync(client, c, null, progress, ct);
            submitted.Add(s);
            await Views.WriteSubmitAsync(o, s);
        }

        foreach (string c in s_collections)
        {
            JsonObject ingest = await IngestCommand.RunAsync(client, c, wait: true, progress, ct);
            await o.WriteAsync(c + ": ");
            await Views.WriteIngestAsync(o, ingest);
        }

        JsonObject validation = await ValidateCommand.SubmitAsync(client, null, progress, ct);
        await Views.WriteSubmitAsync(o, validation);
        JsonObject answers = await ValidateCommand.IngestAsync(client, wait: true, progress, ct);
        await o.WriteLineAsync("labels: " + (string?)answers["message"]);

        (string id, string text) = DistinctItem(Path.Combine(corpus, "lines.ndjson"));
        JsonObject hits = await SearchCommand.SearchAsync(client, "lines", text, 3, ct);
        await o.WriteLineAsync($"Search lines for \"{text}\" (item {id}):");
        await SearchCommand.WriteAsync(o, hits);

        await o.WriteLineAsync();
        await o.WriteLineAsync("Summary");
        long items = 0, succeeded = 0, tokens = 0;
        decimal projected = 0, actual = 0;
        int batches = 0;
        foreach (string c in s_collections)
        {
            var stats = (JsonObject)(await client.GetAsync($"api/collections/{c}/stats", ct))!;
            await Views.WriteStatsAsync(o, stats);
            items += (long)stats["itemsTotal"]!;
            succeeded += (long)stats["items"]!["Succeeded"]!;
            tokens += (long)stats["tokens"]!;
            projected += (decimal)stats["estimatedUsd"]!;
            actual += (decimal)stats["actualUsd"]!;
            batches += stats["batches"]!.AsObject().Sum(kv => (int)kv.Value!);
        }

        var inv = CultureInfo.InvariantCulture;
        await o.WriteLineAsync(string.Create(inv, $"  total    {succeeded:N0} of {items:N0} items embedded; {batches} batches; {tokens:N0} tokens; projected {Views.Usd(projected)}, actual {Views.Usd(actual)} (batch price)"));
        var labelStats = (JsonObject)(await client.GetAsync("api/labels/stats", ct))!;
        // From the batch summaries, like the embeddings' totals: the timer may have ingested the labels' batch first.
        var completions = (JsonArray)(await client.GetAsync("api/batches?collection=labels", ct))!;
        JsonObject byStatus = labelStats["byStatus"]!.AsObject();
        long judged = (long)byStatus["Valid"]! + (long)byStatus["Invalid"]! + (long)byStatus["NeedsReview"]!;
        await o.WriteLineAsync(string.Create(inv,
            $"  labels   {judged:N0} of {(long)labelStats["total"]!:N0} validated: {(long)byStatus["Valid"]!:N0} valid, {(long)byStatus["Invalid"]!:N0} invalid, {(long)byStatus["NeedsReview"]!:N0} need review; {completions.Count} completion batch(es), actual {Views.Usd(completions.Sum(b => (decimal?)b!["actualUsd"] ?? 0))}"));
        await o.WriteLineAsync(string.Create(inv, $"  elapsed  {clock.Elapsed.TotalSeconds:F1} s"));
        string keys = Path.Combine(Path.GetFullPath(data), HostKeys.FileName);
        await o.WriteLineAsync($"  monitor  {host.BaseUrl}monitor (sign in with the AdminKey in {keys})");
        if (keepRunning)
        {
            await o.WriteLineAsync("The host keeps running (the monitor is live); press Ctrl+C to stop it.");
            await host.App.WaitForShutdownAsync(ct);
        }

        else
        {
            await o.WriteLineAsync("           (the host stops now: add --keep-running, or start it again on the same data with `dotnet run --project src/Host`)");
        }

        return succeeded == items && judged == (long)labelStats["total"]! ? CliApp.Ok : CliApp.InputRejected;
    }

    private static async Task<HostApp> StartHostAsync(string data, int port)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.GetFullPath(data),
            ["Host:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        try
        {
            return await HostApp.StartAsync([], Directory.GetCurrentDirectory(), overrides);
        }
        catch (IOException) when (port != 0)
        {
            overrides["Host:Port"] = "0"; // taken (another host running?): use any free port
            return await HostApp.StartAsync([], Directory.GetCurrentDirectory(), overrides);
        }
    }

    /// <summary>An item whose text no other item has, so the search has one right answer.</summary>
    private static (string Id, string Text) DistinctItem(string path)
    {
        var items = new List<(string Id, string Text)>();
        foreach (string line in File.ReadLines(path))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            items.Add((doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("text").GetString()!));
        }

        return items.GroupBy(i => i.Text, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.First()).MaxBy(i => i.Text.Length);
    }
}
