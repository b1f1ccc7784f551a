using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Items;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Each failure ends with every item accounted for: Succeeded, back to None with a reason, or Failed.</summary>
public sealed class FailurePathTests
{
    private static async Task AssertAccountedFor(PipelineHost host, string collection, int total)
    {
        JsonObject stats = await host.StatsAsync(collection);
        Assert.Equal(0, PipelineHost.Count(stats, "Pending"));
        Assert.Equal(total, PipelineHost.Count(stats, "Succeeded") + PipelineHost.Count(stats, "None") + PipelineHost.Count(stats, "Failed"));
        Assert.Equal(PipelineHost.Count(stats, "Succeeded"), (long)stats["index"]!["vectors"]!);
    }

    [Fact(Timeout = 120_000)]
    public async Task Line_errors_requeue_their_items_until_max_attempts_then_fail_them_with_the_reason()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Pipeline:BatchMetadata:emulator_line_error_rate"] = "0.3",
            ["Pipeline:MaxAttempts"] = "2",
        });
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(100)));

        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");
        JsonObject first = await host.StatsAsync("lines");
        long failedLines = PipelineHost.Count(first, "None");
        Assert.InRange(failedLines, 10, 50);
        Assert.Equal(0, PipelineHost.Count(first, "Failed"));
        await AssertAccountedFor(host, "lines", 100);

        await host.SubmitAsync("lines"); // the same lines fail again (the fault is deterministic per custom id)
        await host.IngestAsync("lines");
        JsonObject second = await host.StatsAsync("lines");
        Assert.Equal(failedLines, PipelineHost.Count(second, "Failed"));
        Assert.Equal(100 - failedLines, PipelineHost.Count(second, "Succeeded"));
        await AssertAccountedFor(host, "lines", 100);

        IItemStore items = host.Host.Services.GetRequiredService<IItemStore>();
        StoredItem failed = (await Task.WhenAll(Enumerable.Range(0, 100).Select(i => items.GetAsync("lines", $"item-{i:D4}", CancellationToken.None))))
            .First(i => i!.Status == ItemStatus.Failed)!;
        Assert.Equal(2, failed.Attempts);
        Assert.Contains("server_error", failed.LastError, StringComparison.Ordinal);
        Assert.Equal("nothing-to-do", (string)(await host.SubmitAsync("lines"))["outcome"]!);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_expired_batch_keeps_what_finished_and_requeues_only_the_rest()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:BatchMetadata:emulator_expire_after_lines"] = "30" });
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(80)));
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");

        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(30, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(50, PipelineHost.Count(stats, "None"));
        await AssertAccountedFor(host, "lines", 80);
        JsonNode batch = (await host.GetAsync("api/batches?collection=lines")).AsArray().Single()!;
        Assert.Equal("Ingested", (string)batch["status"]!);
        Assert.NotNull(batch["terminalAt"]);
        StoredItem? requeued = await host.Host.Services.GetRequiredService<IItemStore>().GetAsync("lines", "item-0079", CancellationToken.None);
        Assert.True(requeued!.Status == ItemStatus.None || requeued.Status == ItemStatus.Succeeded);
        Assert.Contains(await Task.WhenAll(Enumerable.Range(0, 80).Select(i => host.Host.Services.GetRequiredService<IItemStore>().GetAsync("lines", $"item-{i:D4}", CancellationToken.None))),
            i => i!.Status == ItemStatus.None && i.LastError!.StartsWith("batch_expired", StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_failed_batch_puts_every_item_back_with_the_providers_reason()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:BatchMetadata:emulator_fail"] = "true" });
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(40)));
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");

        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(40, PipelineHost.Count(stats, "None"));
        await AssertAccountedFor(host, "lines", 40);
        StoredItem? item = await host.Host.Services.GetRequiredService<IItemStore>().GetAsync("lines", "item-0001", CancellationToken.None);
        Assert.StartsWith("batch_failed", item!.LastError, StringComparison.Ordinal);
        Assert.Equal(1, item.Attempts);
        JsonNode batch = (await host.GetAsync("api/batches?collection=lines")).AsArray().Single()!;
        Assert.Contains("batch_failed", batch["errors"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cancelled_batch_ingests_its_finished_requests_and_requeues_the_rest()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(emulator: o => o.LinesPerSecond = 40);
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(400)));
        await host.SubmitAsync("lines");
        string batchId = (string)(await host.GetAsync("api/batches?collection=lines")).AsArray().Single()!["batchId"]!;
        ProviderBatch running;
        do
        {
            await Task.Delay(200);
            running = (await host.ProviderBatchesAsync()).Single();
        }
        while (running.Completed < 10);

        await host.RunAsync($"api/batches/{batchId}/cancel");
        await host.IngestAsync("lines");

        JsonObject stats = await host.StatsAsync("lines");
        long done = PipelineHost.Count(stats, "Succeeded");
        Assert.InRange(done, 10, 399);
        Assert.Equal(400 - done, PipelineHost.Count(stats, "None"));
        await AssertAccountedFor(host, "lines", 400);
        Assert.Equal("cancelled", (await host.ProviderBatchesAsync()).Single().Status);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_429_on_create_is_retried_and_creates_exactly_one_batch()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(emulator: o =>
        {
            o.Faults.CreateFailures.Enqueue(429);
            o.Faults.CreateFailures.Enqueue(500);
            o.Faults.RetryAfterSeconds = 1;
        });
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(30)));
        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal(1, (int)submit["submitted"]!);
        await host.IngestAsync("lines");

        Assert.Single(await host.ProviderBatchesAsync());
        Assert.Equal(30, PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_batch_refused_at_create_is_recorded_failed_and_its_items_are_settled_with_the_reason()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:MaxAttempts"] = "1" }, emulator: o => o.Faults.CreateFailures.Enqueue(400));
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(20)));
        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal(1, (int)submit["submitFailed"]!);
        Assert.Empty(await host.ProviderBatchesAsync());
        JsonNode batch = (await host.GetAsync("api/batches?collection=lines")).AsArray().Single()!;
        Assert.Equal("Failed", (string)batch["status"]!);
        Assert.Contains("refused", batch["errors"]!.ToJsonString(), StringComparison.Ordinal);

        await host.IngestAsync("lines");
        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(20, PipelineHost.Count(stats, "Failed")); // one attempt allowed, and it was spent
        await AssertAccountedFor(host, "lines", 20);
        StoredItem? item = await host.Host.Services.GetRequiredService<IItemStore>().GetAsync("lines", "item-0005", CancellationToken.None);
        Assert.Contains("submit_failed", item!.LastError, StringComparison.Ordinal);
        Assert.Equal("Ingested", (string)(await host.GetAsync("api/batches?collection=lines")).AsArray().Single()!["status"]!);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_budget_refusal_explains_itself_and_submits_nothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(50)));
        JsonObject submit = await host.SubmitAsync("lines", new { budgetUsd = 0.0000001m });

        Assert.Equal("refused", (string)submit["outcome"]!);
        Assert.Contains("budget", (string)submit["message"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await host.ProviderBatchesAsync());
        Assert.Empty((await host.GetAsync("api/batches")).AsArray());
        Assert.Equal(50, PipelineHost.Count(await host.StatsAsync("lines"), "None"));

        JsonObject dry = await host.SubmitAsync("lines", new { dryRun = true });
        Assert.Equal("dry-run", (string)dry["outcome"]!);
        Assert.Equal(50, (long)dry["requests"]!);
        Assert.Empty(await host.ProviderBatchesAsync());
    }
}
