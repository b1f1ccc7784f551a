using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.OpenAIEmulator;
using BatchEmbed.Workflows.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// Issue 15: 20 planned batches under an enqueued-token limit that holds about 3 of them, on both emulator profiles
/// (OpenAI fails a batch over the limit after validation; Azure's fail-fast refuses the create with HTTP 400). Every item
/// ends Succeeded with no attempt charged, each batch is accepted at the emulator once, and the emulator never holds
/// more than the limit.
/// </summary>
public sealed class QuotaTests
{
    private const int Items = 1_000;
    private const int PageSize = 50; // 20 batches

    /// <summary>About 50 tokens per item, so a batch of 50 items is about 2,500 tokens.</summary>
    internal static List<(string Id, string Text)> Corpus() =>
        [.. Enumerable.Range(0, Items).Select(i => ($"item-{i:D4}", $"receipt line {i} " + string.Join(' ', Enumerable.Range(0, 40).Select(w => $"w{(i + w) % 97}")) + $" total {i % 100}.{i % 10}9 EUR"))];

    [Theory(Timeout = 240_000)]
    [InlineData("openai")]
    [InlineData("azure-fail-fast")]
    public async Task Under_a_configured_limit_batches_are_queued_and_submitted_as_room_frees(string profile)
    {
        await using EmulatorServer emulator = await Emulator(profile);
        long limit = await LimitForAboutThreeBatchesAsync(emulator);
        emulator.Options.EnqueuedTokenLimit = limit;
        await using PipelineHost host = await PipelineHost.StartAsync(Settings(("Pipeline:EnqueuedTokenLimit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))), sharedEmulator: emulator);
        await host.ImportAsync("lines", PipelineHost.Ndjson(Corpus()));

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal(20, (int)submit["batches"]!);
        Assert.InRange((int)submit["submitted"]!, 1, 4);
        Assert.Equal(20 - (int)submit["submitted"]!, (int)submit["queued"]!);
        Assert.Contains("queued", (string)submit["message"]!, StringComparison.Ordinal);
        JsonObject queue = (await host.StatsAsync("lines"))["queue"]!.AsObject();
        Assert.Equal(limit, (long)queue["limit"]!);
        Assert.Equal((int)submit["queued"]!, (int)queue["queuedBatches"]!);
        Assert.InRange((long)queue["enqueuedTokens"]!, 1, limit);

        JsonObject ingest = await host.RunAsync("api/embeddings/lines/ingest", new { wait = true }, 180);
        Assert.Equal(0, (int)ingest["open"]!);
        Assert.Equal(0, (int)ingest["queued"]!);
        await AssertAllEmbeddedOnceAsync(host, expectRefusals: false);
        Assert.InRange(emulator.PeakEnqueuedTokens, 1, limit);
    }

    [Theory(Timeout = 240_000)]
    [InlineData("openai")]
    [InlineData("azure-fail-fast")]
    public async Task With_no_limit_configured_the_pipeline_learns_it_from_the_refusals_and_fails_no_item(string profile)
    {
        await using EmulatorServer emulator = await Emulator(profile);
        long limit = await LimitForAboutThreeBatchesAsync(emulator);
        emulator.Options.EnqueuedTokenLimit = limit;
        await using PipelineHost host = await PipelineHost.StartAsync(Settings(), sharedEmulator: emulator);
        await host.ImportAsync("lines", PipelineHost.Ndjson(Corpus()));

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal(20, (int)submit["batches"]!);
        JsonObject ingest = await host.RunAsync("api/embeddings/lines/ingest", new { wait = true }, 180);
        Assert.Equal(0, (int)ingest["queued"]!);
        await AssertAllEmbeddedOnceAsync(host, expectRefusals: true);
        Assert.InRange(emulator.PeakEnqueuedTokens, 1, limit);

        JsonObject queue = (await host.StatsAsync("lines"))["queue"]!.AsObject();
        Assert.Equal(limit, (long)queue["learnedLimit"]!); // the emulator states its limit in the refusal, as OpenAI does
        JsonArray summaries = (await host.GetAsync("api/batches?collection=lines")).AsArray();
        Assert.Contains(summaries, s => (int)s!["quotaRefusals"]! > 0);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_queued_batch_can_be_cancelled_without_reaching_the_provider_and_its_items_are_freed()
    {
        await using EmulatorServer emulator = await Emulator("openai", linesPerSecond: 100);
        long limit = await LimitForAboutThreeBatchesAsync(emulator);
        emulator.Options.EnqueuedTokenLimit = limit;
        await using PipelineHost host = await PipelineHost.StartAsync(Settings(("Pipeline:EnqueuedTokenLimit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))), sharedEmulator: emulator);
        await host.ImportAsync("lines", PipelineHost.Ndjson(Corpus()));
        JsonObject submit = await host.SubmitAsync("lines");
        Assert.True((int)submit["queued"]! > 0, submit.ToJsonString());

        JsonArray queued = (await host.GetAsync("api/batches?collection=lines&status=Queued")).AsArray();
        string victim = (string)queued[^1]!["batchId"]!;
        JsonObject cancelled = await host.RunAsync($"api/batches/{victim}/cancel");
        Assert.Equal("Cancelled", (string)cancelled["status"]!);

        await host.RunAsync("api/embeddings/lines/ingest", new { wait = true }, 180);
        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(Items - PageSize, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(PageSize, PipelineHost.Count(stats, "None")); // back to None, ready for the next submission
        Assert.Equal(0, PipelineHost.Count(stats, "Failed"));
        Assert.DoesNotContain(await host.ProviderBatchesAsync(), b => b.BatchId == victim);
        Assert.Equal("Ingested", (string)(await host.GetAsync($"api/batches/{victim}"))["status"]!);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_batch_taken_from_the_queue_by_an_orchestration_that_ended_goes_back_and_is_created_once()
    {
        await using EmulatorServer emulator = await Emulator("openai", linesPerSecond: 100);
        long limit = await LimitForAboutThreeBatchesAsync(emulator);
        emulator.Options.EnqueuedTokenLimit = limit;
        await using PipelineHost host = await PipelineHost.StartAsync(Settings(("Pipeline:EnqueuedTokenLimit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))), sharedEmulator: emulator);
        await host.ImportAsync("lines", PipelineHost.Ndjson(Corpus()));
        await host.SubmitAsync("lines");

        // As if an ingest had taken it from the queue and then been terminated before creating it.
        string taken = (string)(await host.GetAsync("api/batches?collection=lines&status=Queued")).AsArray()[^1]!["batchId"]!;
        var client = host.Host.Services.GetRequiredService<DurableTaskClient>();
        await client.Entities.SignalEntityAsync(BatchSummaryEntity.Id(taken), nameof(BatchSummaryEntity.Dequeue), new DequeueRequest("ingest-that-was-terminated", DateTimeOffset.UtcNow));
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while ((string)(await host.GetAsync($"api/batches/{taken}"))["status"]! != "Planned")
        {
            Assert.True(DateTime.UtcNow < until);
            await Task.Delay(100);
        }

        await host.RunAsync("api/embeddings/lines/ingest", new { wait = true }, 180);
        await AssertAllEmbeddedOnceAsync(host, expectRefusals: false);
        Assert.Contains("ended before creating it", (await host.GetAsync($"api/batches/{taken}"))["errors"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_host_killed_while_batches_are_queued_submits_each_of_them_once_after_restart()
    {
        await using EmulatorServer emulator = await Emulator("openai", linesPerSecond: 100);
        long limit = await LimitForAboutThreeBatchesAsync(emulator);
        emulator.Options.EnqueuedTokenLimit = limit;
        string data = Directory.CreateTempSubdirectory("quota-crash-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string>
        {
            ["Pipeline__PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Pipeline__EnqueuedTokenLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            (await http.PostAsync("api/collections/lines/items", new StringContent(PipelineHost.Ndjson(Corpus()), Encoding.UTF8))).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("api/embeddings/lines/submit", new { })).EnsureSuccessStatusCode();
            JsonObject submit = await InstanceWaits.WaitAsync(http, "submit-lines");
            Assert.True((int)submit["queued"]! >= 10, submit.ToJsonString());
            (await http.PostAsJsonAsync("api/embeddings/lines/ingest", new { wait = true })).EnsureSuccessStatusCode();
            await Task.Delay(1_500); // some ingest and queue passes under way
            host.Kill();
        }

        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = emulator.OpenAIEndpoint, ApiKey = PipelineHost.EmulatorKey });
        Assert.InRange((await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Count, 1, 19); // killed with batches still queued
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            DateTime until = DateTime.UtcNow.AddMinutes(4);
            while (true)
            {
                using HttpResponseMessage r = await http.PostAsJsonAsync("api/embeddings/lines/ingest", new { wait = true });
                Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await r.Content.ReadAsStringAsync());
                JsonObject output = await InstanceWaits.WaitAsync(http, "ingest-lines");
                if ((int)output["open"]! == 0 && (int)output["queued"]! == 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < until, output.ToJsonString());
            }

            JsonObject stats = JsonNode.Parse(await http.GetStringAsync("api/collections/lines/stats"))!.AsObject();
            Assert.Equal(Items, (long)stats["items"]!["Succeeded"]!);
            Assert.Equal(Items, (long)stats["index"]!["vectors"]!);
        }

        List<ProviderBatch> created = await provider.ListBatchesAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(20, created.Count);
        Assert.Equal(20, created.Select(b => b.BatchId).Distinct().Count());
        Assert.All(created, b => Assert.Equal("completed", b.Status));
        Assert.Equal(0, MaxAttempts(data));
        Assert.InRange(emulator.PeakEnqueuedTokens, 1, limit);
    }

    private static Task<EmulatorServer> Emulator(string profile, int linesPerSecond = 400) => PipelineHost.StartEmulatorAsync(o =>
    {
        o.Profile = profile;
        o.LinesPerSecond = linesPerSecond; // batches stay in progress long enough for the limit to matter
    });

    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var s = new Dictionary<string, string?> { ["Pipeline:PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach ((string k, string v) in more)
        {
            s[k] = v;
        }

        return s;
    }

    /// <summary>A dry run on a throwaway host gives the planned tokens; the limit holds three and a half average batches.</summary>
    private static async Task<long> LimitForAboutThreeBatchesAsync(EmulatorServer emulator)
    {
        await using PipelineHost probe = await PipelineHost.StartAsync(Settings(), sharedEmulator: emulator);
        await probe.ImportAsync("lines", PipelineHost.Ndjson(Corpus()));
        JsonObject dry = await probe.SubmitAsync("lines", new { dryRun = true });
        Assert.Equal(20, (int)dry["batches"]!);
        long limit = (long)dry["tokens"]! * 7 / 40;
        Assert.True(limit >= 8_192, $"the corpus is too small for the smallest limit accepted ({limit})");
        return limit;
    }

    private static async Task AssertAllEmbeddedOnceAsync(PipelineHost host, bool expectRefusals)
    {
        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(Items, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(0, PipelineHost.Count(stats, "Failed"));
        Assert.Equal(Items, (long)stats["index"]!["vectors"]!);
        Assert.Equal(0, MaxAttempts(host.DataDir));

        List<ProviderBatch> all = await host.ProviderBatchesAsync();
        var refused = all.Where(b => b.Status == "failed" && b.Errors.Any(e => e.Code == "token_limit_exceeded")).ToList();
        var accepted = all.Except(refused).ToList();
        Assert.Equal(20, accepted.Count); // each batch accepted once: no batch paid twice
        Assert.Equal(20, accepted.Select(b => b.BatchId).Distinct().Count());
        Assert.All(accepted, b => Assert.Equal("completed", b.Status));
        if (!expectRefusals)
        {
            Assert.Empty(refused);
        }

        JsonArray summaries = (await host.GetAsync("api/batches?collection=lines")).AsArray();
        Assert.Equal(20, summaries.Count);
        Assert.All(summaries, s => Assert.Equal("Ingested", (string)s!["status"]!));
    }

    private static int MaxAttempts(string dataDir)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(dataDir, "items.db")};Mode=ReadOnly;Pooling=False");
        c.Open();
        using SqliteCommand q = c.CreateCommand();
        q.CommandText = "SELECT COALESCE(MAX(Attempts), 0) FROM Items";
        return Convert.ToInt32(q.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
