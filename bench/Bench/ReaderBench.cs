using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.Bench;

/// <summary>Reads an N-line output file of D-dimension embeddings, as floats and as base64: MB/s and vectors/s.</summary>
internal static class ReaderBench
{
    public static async Task RunAsync(int lines, int dims)
    {
        string dir = Directory.CreateTempSubdirectory("bench-read-").FullName;
        try
        {
            foreach (string format in new[] { "float", "base64" })
            {
                string path = Path.Combine(dir, $"output-{format}.jsonl");
                await WriteOutputAsync(path, lines, dims, format);
                long bytes = new FileInfo(path).Length;
                await ReadOnceAsync(path); // warm-up and page cache
                double best = double.MaxValue;
                long vectors = 0;
                for (int round = 0; round < 3; round++)
                {
                    var sw = Stopwatch.StartNew();
                    vectors = await ReadOnceAsync(path);
                    best = Math.Min(best, sw.Elapsed.TotalSeconds);
                }

                Console.WriteLine(BenchApp.Json(
                    ("bench", "reader"), ("format", format), ("lines", lines), ("dims", dims), ("fileMb", Math.Round(bytes / 1e6, 1)),
                    ("seconds", Math.Round(best, 2)), ("mbPerSec", Math.Round(bytes / 1e6 / best, 1)), ("vectorsPerSec", Math.Round(vectors / best)),
                    ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 / 1_000_000)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<long> ReadOnceAsync(string path)
    {
        long vectors = 0;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await foreach (BatchResultLine line in BatchResultReader.ReadAsync(stream))
        {
            if (line.Kind == ResultLineKind.Success)
            {
                vectors += line.Embeddings.Count;
            }
        }

        return vectors;
    }

    private static async Task WriteOutputAsync(string path, int lines, int dims, string format)
    {
        var random = new Random(11);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        var vector = new float[dims];
        var sb = new StringBuilder(dims * 12);
        for (int i = 0; i < lines; i++)
        {
            for (int d = 0; d < dims; d++)
            {
                vector[d] = (float)(random.NextDouble() * 0.1 - 0.05);
            }

            sb.Clear();
            if (format == "float")
            {
                sb.Append('[');
                for (int d = 0; d < dims; d++)
                {
                    sb.Append(d == 0 ? string.Empty : ",").Append(vector[d].ToString("R", CultureInfo.InvariantCulture));
                }

                sb.Append(']');
            }
            else
            {
                sb.Append('"').Append(Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()))).Append('"');
            }

            await writer.WriteAsync($"{{\"id\":\"batch_req_{i}\",\"custom_id\":\"lines|item-{i}|0\",\"response\":{{\"status_code\":200,\"request_id\":\"req_{i}\",\"body\":{{\"object\":\"list\",\"data\":[{{\"object\":\"embedding\",\"index\":0,\"embedding\":");
            await writer.WriteAsync(sb);
            await writer.WriteLineAsync("}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}},\"error\":null}");
        }
    }
}
