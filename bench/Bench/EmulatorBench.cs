using System.Diagnostics;
using System.Text;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Results;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Bench;

/// <summary>
/// The emulator's processing rate (1,536-dimension embeddings, unthrottled) and the download throughput of its output
/// through the gateway's stream, for an N-line batch, as float and as base64.
/// </summary>
internal static class EmulatorBench
{
    public static async Task RunAsync(int lines)
    {
        string dir = Directory.CreateTempSubdirectory("bench-emulator-").FullName;
        var options = new EmulatorOptions { DataDirectory = dir, ApiKey = "bench", ValidationDelay = TimeSpan.Zero, FinalizingDelay = TimeSpan.Zero, LinesPerSecond = 0, TickInterval = TimeSpan.FromMilliseconds(10) };
        await using EmulatorServer server = await EmulatorServer.StartAsync(options);
        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = server.OpenAIEndpoint, ApiKey = "bench", NetworkTimeout = TimeSpan.FromMinutes(5) });
        try
        {
            foreach (string format in new[] { "float", "base64" })
            {
                var sb = new StringBuilder();
                for (int i = 0; i < lines; i++)
                {
                    sb.Append("{\"custom_id\":\"b|").Append(i).Append("|0\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"AVOCADO HASS ")
                      .Append(i % 97).Append(".03 receipt line ").Append(i).Append("\",\"encoding_format\":\"").Append(format).Append("\"}}\n");
                }

                string fileId;
                using (var input = new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString())))
                {
                    fileId = await provider.UploadBatchFileAsync(input, $"bench-{format}.jsonl", CancellationToken.None);
                }

                ProviderBatch b = await provider.CreateBatchAsync(new BatchCreateRequest("bench-" + format, fileId, BatchEndpoints.Embeddings), CancellationToken.None);
                var sw = Stopwatch.StartNew();
                while (!(b = await provider.GetBatchAsync(b.Id, CancellationToken.None)).IsTerminal)
                {
                    await Task.Delay(20);
                }

                double processing = sw.Elapsed.TotalSeconds;
                sw.Restart();
                long bytes = 0;
                long vectors = 0;
                await using (Stream s = await provider.OpenFileAsync(b.OutputFileId!, CancellationToken.None))
                await using (var counting = new CountingStream(s))
                {
                    await foreach (BatchResultLine line in BatchResultReader.ReadAsync(counting))
                    {
                        vectors += line.Embeddings.Count;
                    }

                    bytes = counting.BytesRead;
                }

                double download = sw.Elapsed.TotalSeconds;
                Console.WriteLine(BenchApp.Json(
                    ("bench", "emulator"), ("format", format), ("lines", lines), ("dims", 1536), ("status", b.Status),
                    ("processingSeconds", Math.Round(processing, 2)), ("embeddingsPerSec", Math.Round(lines / processing)),
                    ("outputMb", Math.Round(bytes / 1e6, 1)), ("downloadSeconds", Math.Round(download, 2)),
                    ("downloadMbPerSec", Math.Round(bytes / 1e6 / download, 1)), ("downloadVectorsPerSec", Math.Round(vectors / download)),
                    ("peakWorkingSetMb", Process.GetCurrentProcess().PeakWorkingSet64 / 1_000_000)));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
