using BatchEmbed.Hosting;

namespace BatchEmbed.Cli.Tests;

/// <summary>The operator commands against a live host (its in-process emulator), over HTTP with the function key.</summary>
public sealed class RemoteCommandTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("cli-remote-").FullName;
    private HostApp _host = null!;
    private string[] _remote = [];

    public async Task InitializeAsync()
    {
        _host = await HostApp.StartAsync([], _data, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = _data,
            ["Pipeline:PollSeconds"] = "1",
            ["Host:Port"] = "0",
            ["PollPending:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _remote = ["--url", _host.BaseUrl.ToString(), "--data", _data]; // the key comes from the data directory's key file
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<CliRun> Run(params string[] args) => CliRun.Of([.. args, .. _remote]);

    [Fact(Timeout = 180_000)]
    public async Task Import_submit_ingest_status_batches_search_and_reset_work_over_the_api()
    {
        string file = Path.Combine(_data, "items.ndjson");
        File.WriteAllText(file, string.Concat(Enumerable.Range(0, 40).Select(i => $"{{\"id\":\"i{i:D2}\",\"text\":\"coffee beans {i} grams\"}}\n")) + "not json\n");

        CliRun import = await Run("import", "beans", file);
        Assert.Equal(1, import.ExitCode); // one line rejected, and said so
        Assert.Contains("40 imported", import.Output, StringComparison.Ordinal);
        Assert.Contains("line 41:", import.Output, StringComparison.Ordinal);

        CliRun dry = await Run("submit", "beans", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("dry-run", dry.Output, StringComparison.Ordinal);

        CliRun refused = await Run("submit", "beans", "--budget", "0.0000000001");
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("refused", refused.Output, StringComparison.Ordinal);

        CliRun submit = await Run("submit", "beans");
        Assert.True(submit.ExitCode == 0, submit.Error);
        Assert.Contains("submitted", submit.Output, StringComparison.Ordinal);
        Assert.Contains("submit-beans", submit.Error, StringComparison.Ordinal); // progress goes to stderr

        CliRun ingest = await Run("ingest", "beans", "--wait");
        Assert.True(ingest.ExitCode == 0, ingest.Error);
        Assert.Contains("items embedded 40", ingest.Output, StringComparison.Ordinal);

        CliRun status = await Run("status", "beans");
        Assert.Contains("Succeeded 40", status.Output, StringComparison.Ordinal);
        Assert.Contains("40 vectors", status.Output, StringComparison.Ordinal);

        CliRun batches = await Run("batches", "--collection", "beans");
        Assert.Contains("Ingested", batches.Output, StringComparison.Ordinal);

        CliRun search = await Run("search", "beans", "coffee beans 7 grams", "--k", "2");
        Assert.Contains("1. 1.0000  i07", search.Output, StringComparison.Ordinal);

        CliRun reset = await Run("reset", "beans", "--dry-run");
        Assert.True(reset.ExitCode == 0, reset.Error);
        Assert.Contains("nothing was changed", reset.Output, StringComparison.Ordinal);

        CliRun unknown = await Run("status", "nosuch");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("404", unknown.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = 180_000)]
    public async Task Migrate_runs_a_migration_from_dry_run_to_cleanup_with_the_refusals_said()
    {
        string file = Path.Combine(_data, "teas.ndjson");
        File.WriteAllText(file, string.Concat(Enumerable.Range(0, 30).Select(i => $"{{\"id\":\"t{i:D2}\",\"text\":\"green tea {i} leaves\"}}\n")));
        Assert.Equal(0, (await Run("import", "teas", file)).ExitCode);
        Assert.Equal(0, (await Run("submit", "teas")).ExitCode);
        Assert.Equal(0, (await Run("ingest", "teas", "--wait")).ExitCode);

        CliRun dry = await Run("migrate", "start", "tea-256", "--collection", "teas", "--dimensions", "256", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Error);
        Assert.Contains("Dry run: 30 items", dry.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await Run("migrate", "status", "tea-256")).ExitCode); // nothing was written: no such migration

        CliRun start = await Run("migrate", "start", "tea-256", "--collection", "teas", "--dimensions", "256", "--mode", "batch");
        Assert.True(start.ExitCode == 0, start.Error);
        Assert.Contains("All 30 items embedded", start.Output, StringComparison.Ordinal);
        Assert.Contains("100.0% of 30 items", start.Output, StringComparison.Ordinal);

        CliRun early = await Run("migrate", "swap", "tea-256");
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("before a passing verify", early.Error, StringComparison.Ordinal);

        CliRun verify = await Run("migrate", "verify", "tea-256", "--queries", "5");
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains("[pass] every item embedded: 30 of 30", verify.Output, StringComparison.Ordinal);

        CliRun swap = await Run("migrate", "swap", "tea-256");
        Assert.True(swap.ExitCode == 0, swap.Error);
        Assert.Contains("now names teas.fp1-", swap.Output, StringComparison.Ordinal);
        CliRun status = await Run("migrate", "status", "tea-256");
        Assert.Contains("swap", status.Output, StringComparison.Ordinal);
        Assert.Contains("verify     passed", status.Output, StringComparison.Ordinal);

        CliRun cleanup = await Run("migrate", "cleanup", "tea-256");
        Assert.True(cleanup.ExitCode == 0, cleanup.Error);
        Assert.Contains("(30 vectors)", cleanup.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await Run("migrate", "resume", "tea-256")).ExitCode); // cleaned up: a new one is needed
    }

    [Fact(Timeout = 60_000)]
    public async Task A_wrong_key_or_an_unreachable_host_is_a_clear_error()
    {
        CliRun wrong = await CliRun.Of("batches", "--url", _host.BaseUrl.ToString(), "--key", "not-the-key-not-the-key");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("401", wrong.Error, StringComparison.Ordinal);
        Assert.Contains("--key", wrong.Error, StringComparison.Ordinal);

        CliRun down = await CliRun.Of("batches", "--url", "http://127.0.0.1:9/", "--key", "x");
        Assert.Equal(2, down.ExitCode);
        Assert.Contains("Cannot reach the host", down.Error, StringComparison.Ordinal);
    }
}
