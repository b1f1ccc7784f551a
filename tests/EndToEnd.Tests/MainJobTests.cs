using System.Text.Json;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Samples;

namespace BatchEmbed.EndToEnd.Tests;

public sealed class MainJobTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("mainjob-").FullName;

    [Fact]
    public async Task The_readme_main_job_plans_the_sample_corpus_and_prints_plan_and_cost()
    {
        string[] args = ReadmeMainJobArgs();
        int outIndex = Array.IndexOf(args, "--out");
        Assert.True(outIndex > 0, "the README main job must name an --out directory");
        args[outIndex + 1] = _out;

        ProcessRun run = await ProcessRun.DotnetAsync(RepoPaths.Root, TimeSpan.FromMinutes(2), [RepoPaths.CliDll, .. args]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Total (", run.Output, StringComparison.Ordinal);
        Assert.Contains("at the batch price", run.Output, StringComparison.Ordinal);
        Assert.Contains("0 rejected", run.Output, StringComparison.Ordinal);

        string[] files = Directory.GetFiles(_out, "*.jsonl");
        Assert.NotEmpty(files);
        int sampleLines = File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "receipts", "lines.ndjson")).Count();
        int requests = 0;
        foreach (string file in files)
        {
            string? model = null;
            foreach (string line in File.ReadLines(file))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement root = doc.RootElement;
                Assert.Equal("/v1/embeddings", root.GetProperty("url").GetString());
                string m = root.GetProperty("body").GetProperty("model").GetString()!;
                model ??= m;
                Assert.Equal(model, m);
                requests++;
            }
        }

        Assert.Equal(sampleLines, requests);
    }

    [Fact]
    public void The_committed_sample_is_exactly_what_the_generator_makes()
    {
        var expected = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (Receipt r in new ReceiptCorpusGenerator(42).Receipts(40))
        {
            foreach (CorpusItem item in r.ToLineItems())
            {
                CorpusItemJson.WriteLine(expected, item);
            }
        }

        byte[] committed = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "samples", "receipts", "lines.ndjson"));
        Assert.True(expected.WrittenSpan.SequenceEqual(committed), "samples/receipts is stale: run `dotnet run --project src/Cli -- samples --receipts 40 --out samples/receipts`");
    }

    private static string[] ReadmeMainJobArgs()
    {
        const string prefix = "dotnet run --project src/Cli -- ";
        string line = File.ReadLines(Path.Combine(RepoPaths.Root, "README.md")).First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line[prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
