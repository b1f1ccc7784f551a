using System.Text.Json;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Samples;

namespace BatchEmbed.EndToEnd.Tests;

public sealed class MainJobTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("mainjob-").FullName;

    [Fact]
    public async Task The_readme_main_job_embeds_the_sample_receipts_and_prints_a_summary()
    {
        string[] args = [.. ReadmeMainJobArgs(), "--data", _out, "--port", "0"];

        ProcessRun run = await ProcessRun.DotnetAsync(RepoPaths.Root, TimeSpan.FromMinutes(5), [RepoPaths.CliDll, .. args]);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        int lines = File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "receipts", "lines.ndjson")).Count();
        int words = File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "receipts", "words.ndjson")).Count();
        Assert.Contains($"{lines + words:N0} of {lines + words:N0} items embedded", run.Output, StringComparison.Ordinal);
        Assert.Contains($"lines.fp1-", run.Output, StringComparison.Ordinal);
        Assert.Contains("using the built-in emulator", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Matches(@"Search lines for .*\n\s+1\. 1\.0000", run.Output);
        int labels = File.ReadLines(Path.Combine(RepoPaths.Root, "samples", "receipts", "labels.ndjson")).Count();
        Assert.Matches($@"labels   {labels:N0} of {labels:N0} validated: .*; 1 completion batch\(es\), actual \$0\.0*[1-9]", run.Output); // spent, whichever ingest took the batch
        Assert.Contains("elapsed", run.Output, StringComparison.Ordinal);
        Assert.Contains("queue    0 tokens enqueued for text-embedding-3-small", run.Output, StringComparison.Ordinal); // every batch finished: nothing held against the limit
        Assert.Matches(@"monitor  http://127\.0\.0\.1:\d+/monitor", run.Output);
    }

    [Theory(Timeout = 300_000)]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_stop_signal_during_the_main_job_stops_it_cleanly_with_exit_code_130(string signal)
    {
        // As from a terminal: SIGINT at its default even if this test runs with it ignored (env execs dotnet: same pid).
        var psi = new System.Diagnostics.ProcessStartInfo("env") { WorkingDirectory = RepoPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--default-signal=INT", "dotnet", RepoPaths.CliDll, .. ReadmeMainJobArgs(), "--data", _out, "--port", "0"])
        {
            psi.ArgumentList.Add(a);
        }

        using var process = System.Diagnostics.Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            output.AppendLine(line);
            if (line.StartsWith("Imported lines", StringComparison.Ordinal))
            {
                break; // the host is up and working: stop it mid-job
            }
        }

        using (var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cts.Token);
        }

        output.Append(await process.StandardOutput.ReadToEndAsync(cts.Token));
        await process.WaitForExitAsync(cts.Token);
        string all = output + await stderr;
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}: {all}");
        Assert.Contains("stopped (Ctrl+C or SIGTERM)", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plan_command_writes_batch_files_for_the_sample_corpus_and_prints_plan_and_cost()
    {
        string[] args = ["plan", "--corpus", "samples/receipts/lines.ndjson", "--out", _out];

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
