using System.Buffers;
using System.CommandLine;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Samples;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>samples --receipts N --out DIR</c>: write a deterministic receipts corpus as NDJSON per collection.</summary>
internal static class SamplesCommand
{
    public static Command Create()
    {
        var receipts = new Option<int>("--receipts") { Description = "How many receipts (about 20 lines and 60 words each).", DefaultValueFactory = _ => 40 };
        var outDir = new Option<string>("--out") { Description = "Directory for receipts.ndjson, lines.ndjson, words.ndjson and labels.ndjson.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed: the same seed always gives the same corpus.", DefaultValueFactory = _ => 42 };
        var command = new Command("samples", "Generate a realistic receipts corpus (receipts, lines, words and word labels; groupKey = imageId/receiptId).")
        {
            receipts, outDir, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            int count = parse.GetValue(receipts);
            if (count < 0)
            {
                throw new ArgumentException("--receipts cannot be negative.");
            }

            return await RunAsync(count, parse.GetValue(outDir)!, parse.GetValue(seed), parse.InvocationConfiguration.Output, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(int count, string outDir, int seed, TextWriter output, CancellationToken ct)
    {
        Directory.CreateDirectory(outDir);
        var files = new Dictionary<string, (FileStream Stream, long Count)>(StringComparer.Ordinal);
        string[] names = ["receipts", "lines", "words", "labels"];
        foreach (string name in names)
        {
            files[name] = (new FileStream(Path.Combine(outDir, name + ".ndjson"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true), 0);
        }

        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        try
        {
            foreach (Receipt receipt in new ReceiptCorpusGenerator(seed).Receipts(count))
            {
                await WriteAsync("receipts", [receipt.ToReceiptItem()]);
                await WriteAsync("lines", receipt.ToLineItems());
                await WriteAsync("words", receipt.ToWordItems());
                await WriteLinesAsync("labels", receipt.ToLabels().Select(l => l.ToJson()));
            }
        }
        finally
        {
            foreach ((FileStream s, _) in files.Values)
            {
                await s.DisposeAsync();
            }
        }

        foreach (string name in names)
        {
            await output.WriteLineAsync($"{files[name].Count,10:N0} {name,-9} {Path.Combine(outDir, name + ".ndjson")}");
        }

        return CliApp.Ok;

        async Task WriteAsync(string name, IEnumerable<CorpusItem> items)
        {
            (FileStream stream, long n) = files[name];
            buffer.ResetWrittenCount();
            foreach (CorpusItem item in items)
            {
                CorpusItemJson.WriteLine(buffer, item);
                n++;
            }

            await stream.WriteAsync(buffer.WrittenMemory, ct);
            files[name] = (stream, n);
        }

        async Task WriteLinesAsync(string name, IEnumerable<string> lines)
        {
            (FileStream stream, long n) = files[name];
            foreach (string line in lines)
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line + "\n"), ct);
                n++;
            }

            files[name] = (stream, n);
        }
    }
}
