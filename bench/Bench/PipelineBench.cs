using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Samples;
using BatchEmbed.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Core = DurableTask.Core.History;

namespace BatchEmbed.Bench;

/// <summary>
/// The pipeline at scale, through the real host and its HTTP API: N receipt lines imported, submitted (find, chunk,
/// serialize, upload, create), then, once the emulator (a separate process, so its memory is not ours) has finished
/// them, ingested (download, parse, deltas, item updates) and compacted; then exact search latency over the index.
/// <c>azure</c> runs it with <c>Storage__Provider=azure</c> on Azurite (its own process, started here): items in Table
/// Storage, files and the index in Blob Storage. Each phase also reports where its time went: the seconds its
/// activities took, by name (they overlap in a fan-out, so they can add up to more than the phase).
/// </summary>
internal static class PipelineBench
{
    /// <summary>The phase times of one run, for <see cref="CompareStorageAsync"/>.</summary>
    public sealed record Times(double Import, double Submit, double Ingest, double SearchP50Ms);

    /// <summary><c>pipeline-storage LINES DIMS</c>: the embedded run and the azure run back to back, then their ratios.</summary>
    public static async Task CompareStorageAsync(int lines, int dims)
    {
        Times embedded = await RunAsync(lines, dims, "base64", "embedded");
        Times azure = await RunAsync(lines, dims, "base64", "azure");
        Console.WriteLine(BenchApp.Json(("bench", "pipeline-storage-ratio"), ("lines", lines), ("note", "azure (Azurite) seconds / embedded seconds"),
            ("import", Math.Round(azure.Import / embedded.Import, 1)), ("submit", Math.Round(azure.Submit / embedded.Submit, 1)),
            ("ingest", Math.Round(azure.Ingest / embedded.Ingest, 1)), ("searchP50", Math.Round(azure.SearchP50Ms / embedded.SearchP50Ms, 1))));
    }

    public static async Task<Times> RunAsync(int lines, int dims, string format, string storage)
    {
        if (storage is not ("embedded" or "azure"))
        {
            throw new ArgumentException($"storage must be embedded or azure, not '{storage}'");
        }

        string dir = Directory.CreateTempSubdirectory("bench-pipeline-").FullName;
        string corpus = Path.Combine(dir, "lines.ndjson");
        WriteCorpus(corpus, lines);

        int emulatorPort = BenchHost.FreePort();
        using Process emulator = BenchHost.StartEmulator(Path.Combine(dir, "emulator"), emulatorPort);
        var endpoint = new Uri($"http://127.0.0.1:{emulatorPort}/v1/");
        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = endpoint, ApiKey = "bench" });
        await BenchHost.WaitForEmulatorAsync(provider);
        using AzuriteProcess? azurite = storage == "azure"
            ? await AzuriteProcess.StartAsync(Path.Combine(dir, "azurite"), inMemory: Environment.GetEnvironmentVariable("BENCH_AZURITE_DISK") != "1") ?? throw new InvalidOperationException("Azurite is not installed: npm ci in tools/azurite")
            : null;
        try
        {
            Dictionary<string, string?> settings = BenchHost.Settings(dir, endpoint);
            settings["Pipeline:Dimensions"] = dims.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Pipeline:EncodingFormat"] = format;
            if (azurite is not null)
            {
                settings["Storage:Provider"] = "azure";
                settings["Storage:ConnectionString"] = azurite.ConnectionString;
                settings["Storage:CacheDirectory"] = Path.Combine(dir, "vector-cache");
            }

            await using HostApp host = await HostApp.StartAsync([], dir, settings);
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            using HttpClient http = BenchHost.AdminClient(host);

            var sw = Stopwatch.StartNew();
            await BenchHost.PostFileAsync(http, "api/collections/lines/items", corpus);

            double import = sw.Elapsed.TotalSeconds;
            long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;

            sw.Restart();
            JsonObject submit = await BenchHost.RunInstanceAsync(http, "api/embeddings/lines/submit", "submit-lines");
            double submitSeconds = sw.Elapsed.TotalSeconds;
            Process.GetCurrentProcess().Refresh();
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.WriteLine(BenchApp.Json(("bench", "pipeline-submit"), ("storage", storage), ("lines", lines), ("importSeconds", Math.Round(import, 2)), ("importItemsPerSec", Math.Round(lines / import)),
                ("submitSeconds", Math.Round(submitSeconds, 2)), ("submitItemsPerSec", Math.Round(lines / submitSeconds)), ("batches", (int)submit["batches"]!),
                ("requests", (long)submit["requests"]!), ("peakWorkingSetMB", peak >> 20), ("peakAfterImportMB", peakBefore >> 20),
                ("activitySeconds", BenchHost.ActivitySeconds(await client.GetOrchestrationHistoryAsync("submit-lines")))));

            double emulatorSeconds = await BenchHost.UntilProviderIdleAsync(provider);
            sw.Restart();
            JsonObject ingest = await BenchHost.RunInstanceAsync(http, "api/embeddings/lines/ingest", "ingest-lines", new { wait = true });
            double ingestSeconds = sw.Elapsed.TotalSeconds;
            Dictionary<string, double> ingestActivities = BenchHost.ActivitySeconds(await client.GetOrchestrationHistoryAsync("ingest-lines"));
            long vectors = (long)ingest["totals"]!["vectors"]!;
            Console.WriteLine(BenchApp.Json(("bench", "pipeline-ingest"), ("storage", storage), ("format", format), ("dims", dims), ("vectors", vectors), ("emulatorSeconds", Math.Round(emulatorSeconds, 1)),
                ("ingestSeconds", Math.Round(ingestSeconds, 2)), ("vectorsPerSec", Math.Round(vectors / ingestSeconds)),
                ("compactionInLastGenerationSeconds", ingestActivities.GetValueOrDefault("CompactDeltas")), ("activitySecondsInLastGeneration", ingestActivities)));

            var store = host.Services.GetRequiredService<IVectorStore>();
            JsonObject stats = JsonNode.Parse(await http.GetStringAsync("api/collections/lines/stats"))!.AsObject();
            string index = (string)stats["index"]!["name"]!;
            var rng = new Random(1);
            var latencies = new List<double>();
            for (int q = 0; q < 60; q++)
            {
                float[] query = Enumerable.Range(0, dims).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
                var t = Stopwatch.StartNew();
                IReadOnlyList<VectorHit> hits = await store.SearchAsync(index, query, 10, CancellationToken.None);
                latencies.Add(t.Elapsed.TotalMilliseconds);
                if (hits.Count != 10)
                {
                    throw new InvalidOperationException("search returned fewer than 10 hits");
                }
            }

            latencies = latencies.Skip(10).Order().ToList(); // the first queries fault the mapping in (and, on azure, download the snapshot)
            Console.WriteLine(BenchApp.Json(("bench", "pipeline-search"), ("storage", storage), ("vectors", (long)stats["index"]!["vectors"]!), ("dims", dims), ("k", 10),
                ("p50ms", Math.Round(latencies[latencies.Count / 2], 1)), ("p95ms", Math.Round(latencies[(int)(latencies.Count * 0.95)], 1))));

            // Compaction on its own: the same number of vectors as deltas of 2,000 (what StoreResults writes), merged at once.
            string compactIndex = "bench-compaction";
            var crng = new Random(2);
            for (long written = 0; written < vectors; written += 2_000)
            {
                var records = new List<VectorRecord>(2_000);
                for (int i = 0; i < 2_000 && written + i < vectors; i++)
                {
                    records.Add(new VectorRecord($"c|{written + i}|0", Enumerable.Range(0, dims).Select(_ => (float)crng.NextDouble()).ToArray()));
                }

                await store.WriteDeltaAsync(compactIndex, records, [], CancellationToken.None);
            }

            var cw = Stopwatch.StartNew();
            CompactionResult compacted = await store.CompactAsync(compactIndex, CancellationToken.None);
            Console.WriteLine(BenchApp.Json(("bench", "pipeline-compaction"), ("storage", storage), ("vectors", compacted.Vectors), ("dims", dims), ("deltasMerged", compacted.DeltasMerged), ("seconds", Math.Round(cw.Elapsed.TotalSeconds, 2))));
            return new Times(import, submitSeconds, ingestSeconds, latencies[latencies.Count / 2]);
        }
        finally
        {
            emulator.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void WriteCorpus(string path, int lines)
    {
        using var file = File.Create(path);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 20);
        int written = 0;
        foreach (Receipt r in new ReceiptCorpusGenerator(42).Receipts(int.MaxValue))
        {
            foreach (CorpusItem item in r.ToLineItems())
            {
                CorpusItemJson.WriteLine(buffer, item);
                if (++written == lines)
                {
                    file.Write(buffer.WrittenSpan);
                    return;
                }
            }

            if (buffer.WrittenCount > 1 << 20)
            {
                file.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }
    }
}
