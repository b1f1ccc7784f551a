using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Seed 003 end to end: blue/green re-embedding migrations through the host's API and the emulator.</summary>
public sealed class MigrationTests
{
    private const string Shadow = "lines~to-256";

    [Fact(Timeout = 240_000)]
    public async Task A_migration_to_256_dimensions_embeds_every_item_once_then_verifies_swaps_rolls_back_and_cleans_up()
    {
        string data = Directory.CreateTempSubdirectory("migration-").FullName;
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(null);
        string source, target;
        await using (PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:PageSize"] = "120" }, dataDir: data, sharedEmulator: emulator))
        {
            await ImportLinesAsync(host, 300);
            await host.SubmitAsync("lines");
            await host.IngestAsync("lines");
            int before = (await host.ProviderBatchesAsync()).Count;

            // The dry run plans every item for the target and changes nothing.
            JsonObject plan = (await host.RunAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "batch", dryRun = true }));
            Assert.Equal(("dry-run", 300L), ((string)plan["outcome"]!, (long)plan["plan"]!["items"]!));
            Assert.True((decimal)plan["plan"]!["estimatedUsd"]! > 0);
            Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("api/migrations/to-256")).StatusCode);

            JsonObject run = (await host.RunAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "batch" }, 120));
            Assert.Equal(("embedded", 300L), ((string)run["outcome"]!, (long)run["counts"]!["succeeded"]!));
            JsonObject status = await StatusAsync(host);
            Assert.Equal(("embedded", 100.0, 300L), ((string)status["phase"]!, (double)status["progress"]!["percent"]!, (long)status["progress"]!["targetVectors"]!));
            Assert.Equal(300, (long)status["progress"]!["batchSucceeded"]!); // the checkpoint, advanced once per batch
            source = (string)status["sourceIndex"]!;
            target = (string)status["targetIndex"]!;
            Assert.Equal((source, 256), ((string)status["serving"]!, (int)status["dimensions"]!));

            // Every item's request went to the provider once, in the migration's own batches.
            List<ProviderBatch> all = await host.ProviderBatchesAsync();
            List<ProviderBatch> migrated = [.. all.Where(b => b.Metadata.GetValueOrDefault("collection") == Shadow)];
            Assert.Equal(300, migrated.Sum(b => b.Total));
            Assert.Equal(before + migrated.Count, all.Count);

            // Swap and cleanup wait for a passing verify; the report holds every check.
            await ExpectAsync(host, "api/migrations/to-256/swap", HttpStatusCode.Conflict, "verify");
            await ExpectAsync(host, "api/migrations/to-256/cleanup", HttpStatusCode.Conflict, "verify");
            JsonObject report = (await host.RunAsync("api/migrations/to-256/verify", new { queries = 10, k = 5 }));
            Assert.True((bool)report["passed"]!, report.ToJsonString());
            Assert.Equal(["every item embedded", "vector count", "dimensions", "top-k overlap"], report["checks"]!.AsArray().Select(c => (string)c!["name"]!));
            Assert.Equal(10, report["queries"]!.AsArray().Count);
            await ExpectAsync(host, "api/migrations/to-256/cleanup", HttpStatusCode.Conflict, "swap");

            Assert.Equal(source, await SearchIndexAsync(host));
            await ExpectAsync(host, "api/migrations/to-256/swap", HttpStatusCode.OK, target);
            Assert.Equal(target, await SearchIndexAsync(host));
            JsonObject serving = (await host.StatsAsync("lines"))["index"]!.AsObject(); // the stats show the index searches use
            Assert.Equal((target, 256, 300L), ((string)serving["name"]!, (int)serving["dimensions"]!, (long)serving["vectors"]!));
            await ExpectAsync(host, "api/migrations/to-256/rollback", HttpStatusCode.OK, source);
            Assert.Equal(source, await SearchIndexAsync(host));
            await ExpectAsync(host, "api/migrations/to-256/swap", HttpStatusCode.OK, target);
            Assert.Equal(3, (await StatusAsync(host))["state"]!["swaps"]!.AsArray().Count);
        }

        // The pipeline moves to the target's settings: its first submit takes over the migrated embeddings and pays
        // for nothing; cleanup then drops the old index and the migration's tracked items.
        await using (PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:Dimensions"] = "256" }, dataDir: data, sharedEmulator: emulator))
        {
            int before = (await host.ProviderBatchesAsync()).Count;
            Assert.Equal("nothing-to-do", (string)(await host.SubmitAsync("lines"))["outcome"]!);
            JsonObject cleanup = await host.RunAsync("api/migrations/to-256/cleanup");
            Assert.Equal(("cleaned", source, 300L, 300L, 0L), ((string)cleanup["outcome"]!, (string)cleanup["cleanup"]!["deletedIndex"]!, (long)cleanup["cleanup"]!["vectors"]!, (long)cleanup["cleanup"]!["shadowItems"]!, (long)cleanup["cleanup"]!["adopted"]!));
            Assert.Equal("nothing-to-do", (string)(await host.SubmitAsync("lines"))["outcome"]!);
            Assert.Equal(target, await SearchIndexAsync(host));
            Assert.Equal(300, (long)(await host.StatsAsync("lines"))["index"]!["vectors"]!);
            Assert.Equal(before, (await host.ProviderBatchesAsync()).Count);
            await ExpectAsync(host, "api/migrations/to-256/rollback", HttpStatusCode.Conflict, "cleaned up");
            Assert.DoesNotContain("lines~", (await host.GetAsync("api/collections")).ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task Searches_through_the_alias_never_fail_while_swaps_and_rollbacks_switch_it()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:PageSize"] = "200" });
        await ImportLinesAsync(host, 200);
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");
        await host.RunAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "sync" }, 120);
        await host.RunAsync("api/migrations/to-256/verify", new { queries = 5 });
        JsonObject status = await StatusAsync(host);
        var indexes = new HashSet<string> { (string)status["sourceIndex"]!, (string)status["targetIndex"]! };

        using var stop = new CancellationTokenSource();
        var seen = new List<string>();
        var failures = new List<string>();
        async Task SearchLoopAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                using HttpResponseMessage r = await host.Http.PostAsJsonAsync("api/collections/lines/search", new { text = "receipt line 17 total", k = 3 });
                string body = await r.Content.ReadAsStringAsync();
                if (!r.IsSuccessStatusCode || JsonNode.Parse(body)!["hits"]!.AsArray().Count != 3)
                {
                    failures.Add($"{(int)r.StatusCode}: {body}");
                    continue;
                }

                lock (seen)
                {
                    seen.Add((string)JsonNode.Parse(body)!["index"]!);
                }
            }
        }

        Task[] searchers = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(SearchLoopAsync))];
        for (int i = 0; i < 10; i++)
        {
            await ExpectAsync(host, "api/migrations/to-256/" + (i % 2 == 0 ? "swap" : "rollback"), HttpStatusCode.OK, "alias");
            await Task.Delay(50);
        }

        stop.Cancel();
        await Task.WhenAll(searchers);
        Assert.Empty(failures);
        Assert.Superset(indexes, seen.ToHashSet());
        Assert.Equal(indexes, seen.ToHashSet()); // both sides answered
    }

    [Fact(Timeout = 240_000)]
    public async Task Retry_failed_re_embeds_only_the_failed_items_and_verify_passes_once_they_are_there()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(
            new Dictionary<string, string?> { ["Pipeline:MaxAttempts"] = "1", ["Pipeline:PageSize"] = "200" }, o => o.Faults.LineErrorRate = 0.2);
        await ImportLinesAsync(host, 200);
        host.Emulator.Options.Faults.LineErrorRate = 0;
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");

        host.Emulator.Options.Faults.LineErrorRate = 0.2;
        int before = (await host.ProviderBatchesAsync()).Count;
        JsonObject run = (await host.RunAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "batch" }, 120));
        Assert.Equal("embedded-with-failures", (string)run["outcome"]!);
        long failed = (long)run["counts"]!["failed"]!;
        Assert.InRange(failed, 10, 80);
        JsonObject status = await StatusAsync(host);
        Assert.Equal(Math.Min(failed, 20), status["progress"]!["failedIds"]!.AsArray().Count);

        JsonObject report = (await host.RunAsync("api/migrations/to-256/verify", new { queries = 5 }));
        Assert.False((bool)report["passed"]!);
        JsonNode every = report["checks"]!.AsArray().First(c => (string)c!["name"]! == "every item embedded")!;
        Assert.False((bool)every["passed"]!);
        Assert.Contains($"{200 - failed} of 200", (string)every["detail"]!, StringComparison.Ordinal);
        await ExpectAsync(host, "api/migrations/to-256/cleanup", HttpStatusCode.Conflict, "verify");

        host.Emulator.Options.Faults.LineErrorRate = 0;
        var earlier = (await host.ProviderBatchesAsync()).Select(b => b.Id).ToHashSet();
        JsonObject retry = await host.RunAsync("api/migrations/to-256/retry-failed", null, 120);
        Assert.Equal(("embedded", 200L), ((string)retry["outcome"]!, (long)retry["counts"]!["succeeded"]!));
        List<ProviderBatch> retried = [.. (await host.ProviderBatchesAsync()).Where(b => !earlier.Contains(b.Id))];
        Assert.Equal(failed, retried.Sum(b => b.Total)); // only the failed items went again
        Assert.True(earlier.Count > before);
        Assert.True((bool)(await host.RunAsync("api/migrations/to-256/verify", new { queries = 5 }))["passed"]!);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_stopped_migration_resumes_from_its_checkpoint_and_pays_for_no_item_twice()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:PageSize"] = "40" }, o => o.LinesPerSecond = 10);
        await ImportLinesAsync(host, 400);
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");
        (await host.Http.PostAsJsonAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "batch" })).EnsureSuccessStatusCode();
        while ((long)(await StatusAsync(host))["progress"]!["items"]!["pending"]! == 0)
        {
            await Task.Delay(100); // until batches are out at the provider
        }

        using (var stop = new HttpRequestMessage(HttpMethod.Post, "runtime/webhooks/durabletask/instances/migrate-to-256/terminate?reason=operator"))
        {
            stop.Headers.Add("x-functions-key", host.Host.Keys.AdminKey);
            Assert.Equal(HttpStatusCode.Accepted, (await host.Http.SendAsync(stop)).StatusCode);
        }

        JsonObject stopped = await StatusAsync(host);
        for (int i = 0; i < 200 && (string)stopped["runtimeStatus"]! != "Terminated"; i++)
        {
            await Task.Delay(50); // a terminate is queued, then carried out
            stopped = await StatusAsync(host);
        }

        Assert.Equal("Terminated", (string)stopped["runtimeStatus"]!);
        Assert.InRange((double)stopped["progress"]!["percent"]!, 0, 99.9);
        Assert.True((long)stopped["progress"]!["items"]!["pending"]! > 0);

        JsonObject resumed = await host.RunAsync("api/migrations/to-256/resume", null, 120);
        Assert.Equal(("embedded", 400L), ((string)resumed["outcome"]!, (long)resumed["counts"]!["succeeded"]!));
        JsonObject status = await StatusAsync(host);
        Assert.Equal((400L, 2), ((long)status["progress"]!["targetVectors"]!, (int)status["state"]!["runs"]!));

        // The batches in flight at the stop were ingested, not sent again: every item's request went once.
        List<ProviderBatch> migrated = [.. (await host.ProviderBatchesAsync()).Where(b => b.Metadata.GetValueOrDefault("collection") == Shadow)];
        Assert.Equal(400, migrated.Sum(b => b.Total));
    }

    [Fact(Timeout = 240_000)]
    public async Task Items_changed_or_added_after_the_run_must_reach_the_target_before_a_swap()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        await ImportLinesAsync(host, 50);
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");
        Assert.Equal("embedded", (string)(await host.RunAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256 }, 120))["outcome"]!);

        await host.ImportAsync("lines", PipelineHost.Ndjson([("line-00003", "a changed line: tea 4.20 EUR"), ("line-00004", "another changed line"), ("new-1", "a new line"), ("new-2", "and another")]));
        JsonObject report = await host.RunAsync("api/migrations/to-256/verify", new { queries = 5 });
        Assert.False((bool)report["passed"]!);
        string detail = (string)report["checks"]![0]!["detail"]!;
        Assert.Contains("48 of 52 source items embedded under the target; 2 not copied, 2 changed since", detail, StringComparison.Ordinal);
        await ExpectAsync(host, "api/migrations/to-256/swap", HttpStatusCode.Conflict, "verify");

        JsonObject resumed = await host.RunAsync("api/migrations/to-256/resume", null, 120);
        Assert.Equal(("embedded", 52L, 4L), ((string)resumed["outcome"]!, (long)resumed["counts"]!["succeeded"]!, (long)resumed["copied"]!));
        Assert.True((bool)(await host.RunAsync("api/migrations/to-256/verify", new { queries = 5 }))["passed"]!);
        await ExpectAsync(host, "api/migrations/to-256/swap", HttpStatusCode.OK, "swap");
        Assert.Contains((await host.SearchAsync("lines", "a changed line: tea 4.20 EUR", 1)), h => (string)h!["id"]! == "line-00003");
    }

    [Fact(Timeout = 120_000)]
    public async Task Bad_requests_are_refused_with_the_reason()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        await ImportLinesAsync(host, 5);
        await ExpectAsync(host, "api/migrations/Bad%20Name/start", HttpStatusCode.BadRequest, "Invalid migration name", new { collection = "lines", dimensions = 256 });
        await ExpectAsync(host, "api/migrations/m/start", HttpStatusCode.BadRequest, "must name a collection", new { dimensions = 256 });
        await ExpectAsync(host, "api/migrations/m/start", HttpStatusCode.BadRequest, "no items", new { collection = "nothing-here", dimensions = 256 });
        await ExpectAsync(host, "api/migrations/m/start", HttpStatusCode.BadRequest, "mode", new { collection = "lines", dimensions = 256, mode = "fast" });
        await ExpectAsync(host, "api/migrations/m/start", HttpStatusCode.BadRequest, "nothing to migrate", new { collection = "lines" });
        await ExpectAsync(host, "api/migrations/m/start", HttpStatusCode.BadRequest, "Invalid target", new { collection = "lines", model = "no-such-model" });
        await ExpectAsync(host, "api/migrations/m/resume", HttpStatusCode.NotFound, "no migration");
        await ExpectAsync(host, "api/migrations/m/swap", HttpStatusCode.NotFound, "no migration");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("api/migrations/m")).StatusCode);
    }

    internal static async Task ImportLinesAsync(PipelineHost host, int n) =>
        await host.ImportAsync("lines", PipelineHost.Ndjson(Enumerable.Range(0, n).Select(i => ($"line-{i:D5}", $"receipt line {i}: {(i % 7 == 0 ? "coffee" : "bread")} total {i % 50}.{i % 10}0 EUR"))));

    internal static async Task<JsonObject> StatusAsync(PipelineHost host, string name = "to-256") => (await host.GetAsync("api/migrations/" + name)).AsObject();

    private static async Task<string> SearchIndexAsync(PipelineHost host)
    {
        using HttpResponseMessage r = await host.Http.PostAsJsonAsync("api/collections/lines/search", new { text = "coffee total", k = 3 });
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return (string)JsonNode.Parse(body)!["index"]!;
    }

    private static async Task ExpectAsync(PipelineHost host, string path, HttpStatusCode code, string contains, object? body = null)
    {
        using HttpResponseMessage r = await host.Http.PostAsJsonAsync(path, body ?? new { });
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == code, $"{path}: {(int)r.StatusCode} {text}");
        Assert.Contains(contains, text, StringComparison.Ordinal);
    }
}
