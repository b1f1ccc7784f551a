using System.Buffers;
using System.Diagnostics;
using BatchEmbed.Connectors.Files;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Samples;

namespace BatchEmbed.Bench;

/// <summary>
/// Writes N receipt lines as NDJSON, then times what the plan command does with it: read, validate, normalise, chunk,
/// tokenize, serialise and write batch files. Reports items/s, input and output MB/s, and peak memory.
/// </summary>
internal static class PlannerBench
{
    public static async Task RunAsync(int lines)
    {
        string dir = Directory.CreateTempSubdirectory("bench-plan-").FullName;
        try
        {
            string corpus = Path.Combine(dir, "lines.ndjson");
            await WriteCorpusAsync(corpus, lines);
            long inputBytes = new FileInfo(corpus).Length;

            GC.Collect();
            long heapBefore = GC.GetTotalMemory(true);
            var settings = new EmbeddingPlanSettings("lines", EmbeddingTarget.Create("text-embedding-3-small"), ProviderProfile.OpenAI);
            var sink = new DirectoryBatchFileSink(Path.Combine(dir, "out"));
            long maxHeap = 0;
            using var sampler = new Timer(_ => maxHeap = Math.Max(maxHeap, GC.GetTotalMemory(false)), null, 0, 50);
            var sw = Stopwatch.StartNew();
            await using (var stream = File.OpenRead(corpus))
            {
                var plan = await new EmbeddingBatchPlanner(settings).PlanAsync(Items(stream), sink);
                sw.Stop();
                Console.WriteLine(BenchApp.Json(
                    ("bench", "planner"), ("items", plan.ItemsPlanned), ("batches", plan.Batches.Count), ("tokens", plan.Tokens),
                    ("seconds", Math.Round(sw.Elapsed.TotalSeconds, 2)),
                    ("itemsPerSec", Math.Round(plan.ItemsPlanned / sw.Elapsed.TotalSeconds)),
                    ("inputMbPerSec", Math.Round(inputBytes / 1e6 / sw.Elapsed.TotalSeconds, 1)),
                    ("outputMbPerSec", Math.Round(plan.Bytes / 1e6 / sw.Elapsed.TotalSeconds, 1)),
                    ("inputMb", Math.Round(inputBytes / 1e6, 1)), ("outputMb", Math.Round(plan.Bytes / 1e6, 1)),
                    ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 / 1_000_000),
                    ("maxManagedHeapMb", Math.Round((maxHeap - heapBefore) / 1e6, 1))));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async IAsyncEnumerable<CorpusItem> Items(Stream stream)
    {
        await foreach (ItemLine line in NdjsonItemReader.ReadAsync(stream))
        {
            if (line.Kind == ItemLineKind.Item)
            {
                yield return line.Item!;
            }
        }
    }

    private static async Task WriteCorpusAsync(string path, int lines)
    {
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        int written = 0;
        foreach (Receipt r in new ReceiptCorpusGenerator(3).Receipts(int.MaxValue))
        {
            foreach (CorpusItem item in r.ToLineItems())
            {
                CorpusItemJson.WriteLine(buffer, item);
                if (++written == lines)
                {
                    break;
                }
            }

            if (buffer.WrittenCount > 1 << 19 || written == lines)
            {
                await file.WriteAsync(buffer.WrittenMemory);
                buffer.ResetWrittenCount();
            }

            if (written == lines)
            {
                break;
            }
        }
    }
}
