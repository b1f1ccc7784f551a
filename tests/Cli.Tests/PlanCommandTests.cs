using System.Text.Json;

namespace BatchEmbed.Cli.Tests;

public sealed class PlanCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("plan-").FullName;

    [Fact]
    public async Task Plan_writes_the_batch_files_and_reports_them_as_json()
    {
        string corpus = await Corpus(120, badLines: 2, emptyLines: 3);
        string outDir = Path.Combine(_dir, "out");
        CliRun run = await CliRun.Of("plan", "--corpus", corpus, "--out", outDir, "--json", "--dimensions", "512", "--max-tokens-per-batch", "400");

        Assert.Equal(1, run.ExitCode); // some lines were rejected
        using JsonDocument doc = JsonDocument.Parse(run.Output);
        JsonElement root = doc.RootElement;
        Assert.Equal("receipts", root.GetProperty("collection").GetString());
        Assert.Equal(512, root.GetProperty("dimensions").GetInt32());
        Assert.Equal(120, root.GetProperty("items").GetProperty("planned").GetInt32());
        Assert.Equal(3, root.GetProperty("items").GetProperty("skippedEmpty").GetInt32());
        Assert.Equal(2, root.GetProperty("items").GetProperty("rejected").GetInt32());
        Assert.Equal(2, root.GetProperty("rejected").GetArrayLength());

        var batches = root.GetProperty("batches").EnumerateArray().ToList();
        Assert.True(batches.Count > 1);
        long requests = 0;
        foreach (JsonElement b in batches)
        {
            string path = b.GetProperty("path").GetString()!;
            Assert.Equal(b.GetProperty("batchId").GetString() + ".jsonl", Path.GetFileName(path));
            string[] lines = await File.ReadAllLinesAsync(path);
            Assert.Equal(b.GetProperty("requests").GetInt32(), lines.Length);
            Assert.Equal(b.GetProperty("bytes").GetInt64(), new FileInfo(path).Length);
            Assert.True(b.GetProperty("tokens").GetInt64() <= 400);
            requests += lines.Length;
        }

        Assert.Equal(120, requests);
        Assert.Equal(requests, root.GetProperty("totals").GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Plan_over_budget_is_refused_with_an_explanation()
    {
        string corpus = await Corpus(50, 0, 0);
        CliRun run = await CliRun.Of("plan", "--corpus", corpus, "--out", Path.Combine(_dir, "o"), "--budget", "0.0000001");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Refused:", run.Output, StringComparison.Ordinal);
        Assert.Contains("over the", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_prints_a_table_with_the_cost_at_batch_price()
    {
        string corpus = await Corpus(10, 0, 0);
        CliRun run = await CliRun.Of("plan", "--corpus", corpus, "--out", Path.Combine(_dir, "o"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Total (1 batch)", run.Output, StringComparison.Ordinal);
        Assert.Contains("at the batch price", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_corpus_file_is_a_clear_error()
    {
        CliRun run = await CliRun.Of("plan", "--corpus", Path.Combine(_dir, "nope.ndjson"), "--out", _dir);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokens", "--encoding")]
    [InlineData("plan", "--max-tokens-per-batch")]
    [InlineData("samples", "--receipts")]
    public async Task Every_command_has_help(string command, string option)
    {
        CliRun run = await CliRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(option, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Samples_writes_the_four_collections()
    {
        CliRun run = await CliRun.Of("samples", "--receipts", "5", "--out", _dir);
        Assert.Equal(0, run.ExitCode);
        foreach (string name in new[] { "receipts", "lines", "words", "labels" })
        {
            Assert.True(new FileInfo(Path.Combine(_dir, name + ".ndjson")).Length > 0, name);
        }

        Assert.Equal(5, (await File.ReadAllLinesAsync(Path.Combine(_dir, "receipts.ndjson"))).Length);
    }

    private async Task<string> Corpus(int items, int badLines, int emptyLines)
    {
        string path = Path.Combine(_dir, "receipts.ndjson");
        var lines = new List<string>();
        for (int i = 0; i < items; i++)
        {
            lines.Add($"{{\"id\":\"r{i}\",\"text\":\"AVOCADO HASS {i}.03 sold at store number {i}\",\"groupKey\":\"img/{i % 7}\"}}");
        }

        for (int i = 0; i < badLines; i++)
        {
            lines.Insert(5 + i, "{\"id\":broken");
        }

        for (int i = 0; i < emptyLines; i++)
        {
            lines.Add($"{{\"id\":\"empty{i}\",\"text\":\"\"}}");
        }

        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
