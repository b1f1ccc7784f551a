using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// Seed 003 under SIGKILL: the host process is killed twice while a migration of the sample receipt lines from 1,536
/// to 256 dimensions runs, and restarted on the same data each time: the migration resumes by itself, the target holds
/// every item once, and the emulator saw every item's request once.
/// </summary>
public sealed class MigrationCrashTests
{
    private static readonly string s_sample = Path.Combine(AppContext.BaseDirectory, "samples", "lines.ndjson");

    [Fact(Timeout = 300_000)]
    public async Task A_migration_killed_twice_resumes_and_embeds_every_item_once()
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(o => o.Faults.DownloadBytesPerSecond = 20_000);
        string data = Directory.CreateTempSubdirectory("crash-migration-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string> { ["Pipeline__PageSize"] = "50" };
        var provider = CrashTests.Provider(emulator);
        var random = new Random(5);
        int items = File.ReadLines(s_sample).Count();

        int before;
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            (await http.PostAsync("api/collections/lines/items", new StringContent(await File.ReadAllTextAsync(s_sample), Encoding.UTF8))).EnsureSuccessStatusCode();
            (await http.PostAsJsonAsync("api/embeddings/lines/submit", new { })).EnsureSuccessStatusCode();
            await InstanceWaits.WaitAsync(http, "submit-lines");
            (await http.PostAsJsonAsync("api/embeddings/lines/ingest", new { wait = true })).EnsureSuccessStatusCode();
            await InstanceWaits.WaitAsync(http, "ingest-lines", 120);
            before = (await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Count;

            using HttpResponseMessage start = await http.PostAsJsonAsync("api/migrations/to-256/start", new { collection = "lines", dimensions = 256, mode = "batch" });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            await Task.Delay(random.Next(800, 1500));
            Assert.Equal("Running", (string)(await InstanceWaits.StatusAsync(http, "migrate-to-256"))["runtimeStatus"]!);
            host.Kill();
        }

        // Restarted, the host resumes the migration by itself; the second kill lands while it runs again.
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            await Task.Delay(random.Next(1500, 2500));
            Assert.Equal("Running", (string)(await InstanceWaits.StatusAsync(http, "migrate-to-256"))["runtimeStatus"]!);
            host.Kill();
        }

        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            JsonObject output = await InstanceWaits.WaitAsync(http, "migrate-to-256", 240);
            Assert.Equal(("embedded", (long)items), ((string)output["outcome"]!, (long)output["counts"]!["succeeded"]!));
            JsonObject status = JsonNode.Parse(await http.GetStringAsync("api/migrations/to-256"))!.AsObject();
            Assert.Equal(items, (long)status["progress"]!["targetVectors"]!); // every item once in the target
            Assert.Equal(100.0, (double)status["progress"]!["percent"]!);

            // Every item's request went to the provider once: the migration's batches hold each item once, none twice.
            List<ProviderBatch> migrated = [.. (await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Where(b => b.Metadata.GetValueOrDefault("collection") == "lines~to-256")];
            Assert.Equal(items, migrated.Sum(b => b.Total));
            Assert.Equal(migrated.Count, migrated.Select(b => b.BatchId).Distinct().Count());
            Assert.True(migrated.Count >= items / 50, $"{migrated.Count} batches");
            Assert.Equal(before + migrated.Count, (await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Count);

            using HttpResponseMessage verify = await http.PostAsJsonAsync("api/migrations/to-256/verify", new { queries = 5 });
            Assert.Equal(HttpStatusCode.Accepted, verify.StatusCode);
            Assert.True((bool)(await InstanceWaits.WaitAsync(http, "migrate-to-256"))["passed"]!);
        }
    }
}
