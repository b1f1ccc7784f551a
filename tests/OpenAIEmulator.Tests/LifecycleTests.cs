using System.Text;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.OpenAIEmulator.Tests;

public sealed class LifecycleTests
{
    internal static string Lines(int n, string prefix = "c")
    {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.Append("{\"custom_id\":\"").Append(prefix).Append('|').Append(i).Append("|0\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"text-embedding-3-small\",\"input\":\"line ").Append(i).Append(" of the receipt\",\"dimensions\":64}}\n");
        }

        return sb.ToString();
    }

    [Fact(Timeout = 60_000)]
    public async Task Request_counts_advance_while_in_progress()
    {
        await using var emu = await EmulatorFixture.StartAsync(o => o.LinesPerSecond = 200);
        string fileId = await emu.UploadAsync(Lines(200));
        ProviderBatch b = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("slow", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        var seen = new List<int>();
        while (true)
        {
            b = await emu.Provider.GetBatchAsync(b.Id, CancellationToken.None);
            seen.Add(b.Completed);
            if (b.IsTerminal)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal("completed", b.Status);
        Assert.Contains(seen, c => c is > 0 and < 200);
        Assert.Equal(seen.Order(), seen);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_batch_failed_by_metadata_fault_reports_why()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(Lines(3));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(
            new BatchCreateRequest("boom", fileId, BatchEndpoints.Embeddings, new Dictionary<string, string> { ["emulator_fail"] = "true" }), CancellationToken.None)).Id);
        Assert.Equal("failed", b.Status);
        Assert.Equal("batch_failed", Assert.Single(b.Errors).Code);
    }

    [Fact(Timeout = 60_000)]
    public async Task Expiry_after_N_lines_gives_partial_output_and_batch_expired_lines_for_the_rest()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(Lines(50));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(
            new BatchCreateRequest("exp", fileId, BatchEndpoints.Embeddings, new Dictionary<string, string> { ["emulator_expire_after_lines"] = "20" }), CancellationToken.None)).Id);
        Assert.Equal("expired", b.Status);
        ReconcileReport report = await Reconcile(emu, b, 50);
        Assert.Equal(20, report.Ok);
        Assert.Equal(30, report.Missing.Count);
        Assert.All(report.Missing, m => Assert.Equal("batch_expired", m.Code));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_completion_window_expires_a_slow_batch()
    {
        await using var emu = await EmulatorFixture.StartAsync(o =>
        {
            o.LinesPerSecond = 20;
            o.CompletionWindow = TimeSpan.FromSeconds(2);
        });
        string fileId = await emu.UploadAsync(Lines(500));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("window", fileId, BatchEndpoints.Embeddings), CancellationToken.None)).Id);
        Assert.Equal("expired", b.Status);
        ReconcileReport report = await Reconcile(emu, b, 500);
        Assert.True(report.Ok is > 0 and < 500);
        Assert.Equal(500, report.Ok + report.Missing.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancel_goes_through_cancelling_to_cancelled_and_keeps_partial_output()
    {
        await using var emu = await EmulatorFixture.StartAsync(o =>
        {
            o.LinesPerSecond = 100;
            o.CancellingDelay = TimeSpan.FromMilliseconds(300);
        });
        string fileId = await emu.UploadAsync(Lines(1000));
        ProviderBatch b = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("cancel", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        while ((b = await emu.Provider.GetBatchAsync(b.Id, CancellationToken.None)).Completed < 10)
        {
            await Task.Delay(50);
        }

        ProviderBatch cancelling = await emu.Provider.CancelBatchAsync(b.Id, CancellationToken.None);
        Assert.Equal("cancelling", cancelling.Status);
        ProviderBatch cancelled = await emu.WaitTerminalAsync(b.Id);
        Assert.Equal("cancelled", cancelled.Status);
        ReconcileReport report = await Reconcile(emu, cancelled, 1000, "batch_cancelled");
        Assert.True(report.Ok >= 10 && report.Ok < 1000);
        Assert.All(report.Missing, m => Assert.Equal("batch_cancelled", m.Code));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_line_error_rate_sends_those_lines_to_the_error_file()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(Lines(400));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(
            new BatchCreateRequest("errs", fileId, BatchEndpoints.Embeddings, new Dictionary<string, string> { ["emulator_line_error_rate"] = "0.25" }), CancellationToken.None)).Id);
        Assert.Equal("completed", b.Status);
        Assert.InRange(b.Failed, 60, 140);
        ReconcileReport report = await Reconcile(emu, b, 400);
        Assert.Equal(b.Failed, report.Failed.Count);
        Assert.All(report.Failed, f => Assert.Equal("server_error", f.Code));
        Assert.Equal(400, report.Ok + report.Failed.Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Rate_limits_and_server_errors_on_create_are_retried_after_retry_after_and_create_once()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        emu.Server.Options.Faults.CreateFailures.Enqueue(429);
        emu.Server.Options.Faults.CreateFailures.Enqueue(500);
        emu.Server.Options.Faults.RetryAfterSeconds = 1;
        string fileId = await emu.UploadAsync(Lines(5));
        DateTime start = DateTime.UtcNow;
        ProviderBatch b = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("retried", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        Assert.True(DateTime.UtcNow - start >= TimeSpan.FromSeconds(1.9), "Retry-After was not honoured");
        Assert.Equal("retried", b.BatchId);
        Assert.Single(await All(emu), x => x.BatchId == "retried");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timeout_after_the_server_accepted_the_create_leaves_exactly_one_batch()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        emu.Server.Options.Faults.SlowCreateResponses = 1;
        emu.Server.Options.Faults.SlowCreateDelay = TimeSpan.FromSeconds(4); // the gateway's network timeout is 2 s
        string fileId = await emu.UploadAsync(Lines(5));
        ProviderBatch b = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("once", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        Assert.Equal("once", b.BatchId);
        ProviderBatch again = await emu.Provider.CreateBatchAsync(new BatchCreateRequest("once", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        Assert.Equal(b.Id, again.Id);
        Assert.Single(await All(emu), x => x.BatchId == "once");
    }

    [Fact(Timeout = 60_000)]
    public async Task Slow_downloads_stream_and_interrupted_downloads_fail_loudly()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string fileId = await emu.UploadAsync(Lines(300));
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("dl", fileId, BatchEndpoints.Embeddings), CancellationToken.None)).Id);

        emu.Server.Options.Faults.DownloadBytesPerSecond = 400_000;
        Assert.Equal(300, (await Reconcile(emu, b, 300)).Ok);

        emu.Server.Options.Faults.DownloadBytesPerSecond = 0;
        emu.Server.Options.Faults.InterruptDownloadAfterBytes = 50_000;
        Exception ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using Stream s = await emu.Provider.OpenFileAsync(b.OutputFileId!, CancellationToken.None);
            await foreach (BatchResultLine _ in BatchResultReader.ReadAsync(s))
            {
            }
        });

        // Either the drop is seen while opening (a typed, retriable error) or mid-stream (an IOException): never silent truncation.
        Assert.True(ex is IOException || ex is BatchProviderException { Kind: BatchProviderErrorKind.Transient }, ex.ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_restarted_emulator_knows_its_files_and_batches_and_finishes_running_ones()
    {
        string dir = Directory.CreateTempSubdirectory("emulator-restart-").FullName;
        string batchId;
        string fileId;
        await using (var first = await EmulatorFixture.StartAsync(o => o.LinesPerSecond = 100, dir))
        {
            fileId = await first.UploadAsync(Lines(400));
            ProviderBatch b = await first.Provider.CreateBatchAsync(new BatchCreateRequest("persist", fileId, BatchEndpoints.Embeddings), CancellationToken.None);
            batchId = b.Id;
            while ((b = await first.Provider.GetBatchAsync(batchId, CancellationToken.None)).Completed < 20)
            {
                await Task.Delay(50);
            }
        }

        await using var second = await EmulatorFixture.StartAsync(o => o.LinesPerSecond = 0, dir);
        ProviderBatch done = await second.WaitTerminalAsync(batchId);
        Assert.Equal("completed", done.Status);
        Assert.Equal(400, done.Completed);
        Assert.Equal(400, (await Reconcile(second, done, 400)).Ok);
        Assert.Equal("persist", done.BatchId);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await second.Http.GetAsync($"files/{fileId}")).StatusCode);
    }

    private static async Task<List<ProviderBatch>> All(EmulatorFixture emu)
    {
        var list = new List<ProviderBatch>();
        await foreach (ProviderBatch b in emu.Provider.ListBatchesAsync(CancellationToken.None))
        {
            list.Add(b);
        }

        return list;
    }

    private static async Task<ReconcileReport> Reconcile(EmulatorFixture emu, ProviderBatch b, int n, string missingCode = "missing")
    {
        var rec = new ResultReconciler(Enumerable.Range(0, n).Select(i => $"c|{i}|0"));
        foreach (string? file in new[] { b.OutputFileId, b.ErrorFileId })
        {
            if (file is null)
            {
                continue;
            }

            await using Stream s = await emu.Provider.OpenFileAsync(file, CancellationToken.None);
            await foreach (BatchResultLine line in BatchResultReader.ReadAsync(s))
            {
                Assert.NotEqual(ResultOutcome.Duplicate, rec.Observe(line));
            }
        }

        return rec.Complete(missingCode);
    }
}
