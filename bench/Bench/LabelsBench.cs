using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Samples;
using BatchEmbed.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Bench;

/// <summary>
/// Receipt label validation at scale, through the real host and its HTTP API (seed 004): R generated receipts
/// imported (receipts, lines, words) with the first L labels of each, then SubmitCompletions (find the labels, read
/// each receipt's context, build one chat request per receipt, write the batch files, create the batches) and, once the
/// emulator (its own process) has answered, IngestCompletions (download, parse and check each answer, store the
/// verdicts). Reports requests/s and MB/s for the plan, answers/s for the ingest, and peak memory.
/// </summary>
internal static class LabelsBench
{
    private static readonly string[] s_collections = ["receipts", "lines", "words", "labels"];

    public static async Task RunAsync(int receipts, int labelsPerReceipt)
    {
        string dir = Directory.CreateTempSubdirectory("bench-labels-").FullName;
        int emulatorPort = BenchHost.FreePort();
        using Process emulator = BenchHost.StartEmulator(Path.Combine(dir, "emulator"), emulatorPort);
        var endpoint = new Uri($"http://127.0.0.1:{emulatorPort}/v1/");
        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = endpoint, ApiKey = "bench" });
        try
        {
            long labels = WriteCorpus(dir, receipts, labelsPerReceipt);
            await BenchHost.WaitForEmulatorAsync(provider);
                        await using HostApp host = await HostApp.StartAsync([], dir, BenchHost.Settings(dir, endpoint));
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            using HttpClient http = BenchHost.AdminClient(host);

            var sw = Stopwatch.StartNew();
            foreach (string c in s_collections.SkipLast(1))
            {
                await BenchHost.PostFileAsync(http, $"api/collections/{c}/items", Path.Combine(dir, c + ".ndjson"));
            }

            JsonObject imported = await BenchHost.PostFileAsync(http, "api/labels", Path.Combine(dir, "labels.ndjson"));
            if ((long)imported["imported"]! != labels)
            {
                throw new InvalidOperationException($"imported {imported["imported"]} of {labels} labels: {imported.ToJsonString()}");
            }

            double import = sw.Elapsed.TotalSeconds;
            Process.GetCurrentProcess().Refresh();
            long peakAfterImport = Process.GetCurrentProcess().PeakWorkingSet64;

            sw.Restart();
            JsonObject submit = await BenchHost.RunInstanceAsync(http, "api/validations/submit", "validate-submit");
            double submitSeconds = sw.Elapsed.TotalSeconds;
            long requests = (long)submit["requests"]!;
            long bytes = Directory.EnumerateFiles(Path.Combine(dir, "data", "blobs", "batches", "labels"), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            Process.GetCurrentProcess().Refresh();
            Dictionary<string, double> submitActivities = BenchHost.ActivitySeconds(await client.GetOrchestrationHistoryAsync("validate-submit"));
            Console.WriteLine(BenchApp.Json(("bench", "labels-submit"), ("receipts", receipts), ("labels", labels), ("importSeconds", Math.Round(import, 2)),
                ("submitSeconds", Math.Round(submitSeconds, 2)), ("requests", requests), ("requestsPerSec", Math.Round(requests / submitSeconds)),
                ("labelsPerSec", Math.Round(labels / submitSeconds)), ("batchFileMb", Math.Round(bytes / 1e6, 1)), ("mbPerSec", Math.Round(bytes / 1e6 / submitSeconds, 1)),
                ("batches", (int)submit["batches"]!), ("inputTokens", (long)submit["tokens"]!), ("estimatedUsd", (decimal)submit["estimatedUsd"]!),
                ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 >> 20), ("peakAfterImportMb", peakAfterImport >> 20),
                ("planActivitySeconds", submitActivities.GetValueOrDefault("PlanCompletions"))));

            double emulatorSeconds = await BenchHost.UntilProviderIdleAsync(provider);
            sw.Restart();
            JsonObject ingest = await BenchHost.RunInstanceAsync(http, "api/validations/ingest", "validate-ingest", new { wait = true });
            double ingestSeconds = sw.Elapsed.TotalSeconds;
            long answered = (long)ingest["totals"]!["itemsSucceeded"]!;
            JsonObject verdicts = ingest["verdicts"]!.AsObject();
            Process.GetCurrentProcess().Refresh();
            Console.WriteLine(BenchApp.Json(("bench", "labels-ingest"), ("receipts", receipts), ("labels", labels), ("emulatorSeconds", Math.Round(emulatorSeconds, 1)),
                ("ingestSeconds", Math.Round(ingestSeconds, 2)), ("answersPerSec", Math.Round(answered / ingestSeconds)), ("responsesPerSec", Math.Round(requests / ingestSeconds)),
                ("answered", answered), ("valid", (long)verdicts["valid"]!), ("invalid", (long)verdicts["invalid"]!), ("needsReview", (long)verdicts["needsReview"]!),
                ("requeued", (long)ingest["totals"]!["itemsRequeued"]!), ("actualUsd", (decimal)ingest["totals"]!["actualUsd"]!),
                ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 >> 20)));
        }
        finally
        {
            emulator.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>receipts, lines, words and labels NDJSON files under <paramref name="dir"/>; returns the labels written.</summary>
    private static long WriteCorpus(string dir, int receipts, int labelsPerReceipt)
    {
        var files = s_collections.ToDictionary(c => c, c => File.Create(Path.Combine(dir, c + ".ndjson")));
        var buffers = files.Keys.ToDictionary(c => c, _ => new ArrayBufferWriter<byte>(1 << 20));
        long labels = 0;
        try
        {
            foreach (Receipt r in new ReceiptCorpusGenerator(42).Receipts(receipts))
            {
                CorpusItemJson.WriteLine(buffers["receipts"], r.ToReceiptItem());
                foreach (CorpusItem line in r.ToLineItems())
                {
                    CorpusItemJson.WriteLine(buffers["lines"], line);
                }

                foreach (CorpusItem word in r.ToWordItems())
                {
                    CorpusItemJson.WriteLine(buffers["words"], word);
                }

                foreach (ReceiptLabel label in r.ToLabels().Take(labelsPerReceipt))
                {
                    buffers["labels"].Write(Encoding.UTF8.GetBytes(label.ToJson() + "\n"));
                    labels++;
                }

                foreach ((string c, ArrayBufferWriter<byte> b) in buffers.Where(kv => kv.Value.WrittenCount > 1 << 19))
                {
                    files[c].Write(b.WrittenSpan);
                    b.ResetWrittenCount();
                }
            }

            foreach ((string c, ArrayBufferWriter<byte> b) in buffers)
            {
                files[c].Write(b.WrittenSpan);
            }

            return labels;
        }
        finally
        {
            foreach (FileStream f in files.Values)
            {
                f.Dispose();
            }
        }
    }
}
