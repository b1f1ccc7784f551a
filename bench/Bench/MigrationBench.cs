using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Hosting;

namespace BatchEmbed.Bench;

/// <summary>
/// A blue/green migration at scale through the real host and its HTTP API (seed 003): N receipt lines imported and
/// embedded at the source dimensions, then <c>migrate start</c> (copy into the shadow collection, submit, and once the
/// emulator, its own process, has finished, ingest) to the target dimensions, verify, swap and cleanup. Reports each
/// phase's time, items/s, the projected and actual cost, and the host's peak working set.
/// </summary>
internal static class MigrationBench
{
    public static async Task RunAsync(int lines, int sourceDims, int targetDims)
    {
        string dir = Directory.CreateTempSubdirectory("bench-migration-").FullName;
        string corpus = Path.Combine(dir, "lines.ndjson");
        PipelineBench.WriteCorpus(corpus, lines);
        int port = BenchHost.FreePort();
        using Process emulator = BenchHost.StartEmulator(Path.Combine(dir, "emulator"), port);
        var endpoint = new Uri($"http://127.0.0.1:{port}/v1/");
        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = endpoint, ApiKey = "bench" });
        try
        {
            await BenchHost.WaitForEmulatorAsync(provider);
            Dictionary<string, string?> settings = BenchHost.Settings(dir, endpoint);
            settings["Pipeline:Dimensions"] = sourceDims.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using HostApp host = await HostApp.StartAsync([], dir, settings);
            using HttpClient http = BenchHost.AdminClient(host);

            // The source: the collection embedded at the source dimensions (not part of the migration's time).
            var sw = Stopwatch.StartNew();
            await BenchHost.PostFileAsync(http, "api/collections/lines/items", corpus);

            await BenchHost.RunInstanceAsync(http, "api/embeddings/lines/submit", "submit-lines");
            await BenchHost.UntilProviderIdleAsync(provider);
            await BenchHost.RunInstanceAsync(http, "api/embeddings/lines/ingest", "ingest-lines", new { wait = true });
            double source = sw.Elapsed.TotalSeconds;

            sw.Restart();
            JsonObject plan = await BenchHost.RunInstanceAsync(http, "api/migrations/to-target/start", "migrate-to-target", new { collection = "lines", dimensions = targetDims, mode = "batch", dryRun = true });
            double planSeconds = sw.Elapsed.TotalSeconds;

            // The run, sampled for its phases: copying, then embedding (submit, the emulator, ingest), then done.
            sw.Restart();
            using (HttpResponseMessage r = await http.PostAsJsonAsync("api/migrations/to-target/start", new { collection = "lines", dimensions = targetDims, mode = "batch" }))
            {
                r.EnsureSuccessStatusCode();
            }

            double copied = 0;
            while (true)
            {
                JsonObject s = JsonNode.Parse(await http.GetStringAsync("runtime/webhooks/durabletask/instances/migrate-to-target"))!.AsObject();
                string phase = (string?)s["customStatus"]?["phase"] ?? string.Empty;
                if (copied == 0 && phase == "embedding")
                {
                    copied = sw.Elapsed.TotalSeconds;
                }

                if ((string)s["runtimeStatus"]! is "Completed" or "Failed" or "Terminated")
                {
                    if ((string)s["runtimeStatus"]! != "Completed")
                    {
                        throw new InvalidOperationException(s.ToJsonString());
                    }

                    break;
                }

                await Task.Delay(250);
            }

            double run = sw.Elapsed.TotalSeconds;
            JsonObject status = JsonNode.Parse(await http.GetStringAsync("api/migrations/to-target"))!.AsObject();
            decimal actual = 0;
            foreach (JsonNode? b in JsonNode.Parse(await http.GetStringAsync("api/batches?collection=lines~to-target"))!.AsArray())
            {
                actual += (decimal?)b!["actualUsd"] ?? 0;
            }

            sw.Restart();
            JsonObject report = await BenchHost.RunInstanceAsync(http, "api/migrations/to-target/verify", "migrate-to-target", new { queries = 20, k = 10 });
            double verify = sw.Elapsed.TotalSeconds;
            if (!(bool)report["passed"]!)
            {
                throw new InvalidOperationException("verify failed: " + report["checks"]!.ToJsonString());
            }

            sw.Restart();
            using (HttpResponseMessage r = await http.PostAsJsonAsync("api/migrations/to-target/swap", new { }))
            {
                r.EnsureSuccessStatusCode();
            }

            double swap = sw.Elapsed.TotalSeconds;
            sw.Restart();
            JsonObject cleanup = await BenchHost.RunInstanceAsync(http, "api/migrations/to-target/cleanup", "migrate-to-target");
            double clean = sw.Elapsed.TotalSeconds;
            Process.GetCurrentProcess().Refresh();
            Console.WriteLine(BenchApp.Json(
                ("bench", "migration"), ("items", lines), ("sourceDims", sourceDims), ("targetDims", targetDims), ("sourceEmbedSeconds", Math.Round(source, 1)),
                ("dryRunSeconds", Math.Round(planSeconds, 1)), ("copySeconds", Math.Round(copied, 1)), ("embedSeconds", Math.Round(run - copied, 1)), ("runSeconds", Math.Round(run, 1)),
                ("itemsPerSec", Math.Round(lines / run)), ("verifySeconds", Math.Round(verify, 1)), ("verifyPassed", (bool)report["passed"]!),
                ("meanOverlap", Math.Round((double)report["meanOverlap"]!, 3)), ("swapSeconds", Math.Round(swap, 3)), ("cleanupSeconds", Math.Round(clean, 1)),
                ("projectedUsd", (decimal)plan["plan"]!["estimatedUsd"]!), ("actualUsd", actual), ("targetVectors", (long)status["progress"]!["targetVectors"]!),
                ("deletedVectors", (long)cleanup["cleanup"]!["vectors"]!), ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 >> 20)));
        }
        finally
        {
            emulator.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }
}
