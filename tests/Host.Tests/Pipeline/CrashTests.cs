using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// The host process is SIGKILLed mid-submission and mid-ingest (and its compaction), then restarted on the same data:
/// every item ends Succeeded exactly once in the index, and the emulator holds no duplicate batch.
/// </summary>
public sealed class CrashTests
{
    private const int Items = 600;

    [Fact(Timeout = 300_000)]
    public async Task A_host_killed_during_submit_resumes_and_creates_every_batch_exactly_once()
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(o =>
        {
            o.Faults.SlowCreateResponses = 1000; // every create is accepted, then answered late: kills land between the two
            o.Faults.SlowCreateDelay = TimeSpan.FromMilliseconds(400);
        });
        string data = Directory.CreateTempSubdirectory("crash-submit-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string> { ["Pipeline__PageSize"] = "50", ["Pipeline__MaxConcurrency"] = "2" };
        var provider = Provider(emulator);

        int batchesAtKill;
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            await ImportAsync(http);
            (await http.PostAsJsonAsync("api/embeddings/lines/submit", new { })).EnsureSuccessStatusCode();
            batchesAtKill = await WaitForBatchesAsync(provider, 3);
            host.Kill();
        }

        Assert.InRange(batchesAtKill, 3, 11); // killed mid-submission (12 batches in all)
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            JsonObject submit = await InstanceWaits.WaitAsync(http, "submit-lines");
            Assert.Equal(12, (int)submit["batches"]!);
            Assert.Equal(12, (int)submit["submitted"]!);
            await IngestToEndAsync(http);
            await AssertEverythingOnceAsync(http, provider, 12);
        }
    }

    [Fact(Timeout = 300_000)]
    public Task A_host_killed_repeatedly_during_ingest_and_compaction_resumes_and_stores_every_vector_once() =>
        KillDuringIngestAsync(new Dictionary<string, string>());

    /// <summary>
    /// Submits 600 items in 6 batches, then starts ingest four times and SIGKILLs the host each time (at least twice
    /// while it runs), then ingests to the end: every item is embedded once and every batch created once.
    /// </summary>
    internal static async Task KillDuringIngestAsync(IReadOnlyDictionary<string, string> storage)
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(o => o.Faults.DownloadBytesPerSecond = 100_000);
        string data = Directory.CreateTempSubdirectory("crash-ingest-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string>(storage) { ["Pipeline__PageSize"] = "100", ["Pipeline__EncodingFormat"] = "float" };
        var provider = Provider(emulator);

        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            await ImportAsync(http);
            (await http.PostAsJsonAsync("api/embeddings/lines/submit", new { })).EnsureSuccessStatusCode();
            await InstanceWaits.WaitAsync(http, "submit-lines");
            await WaitUntilTerminalAsync(provider);
            host.Kill();
        }

        int killsMidIngest = await KillRepeatedlyAsync(data, emulator, port, settings, "api/embeddings/lines/ingest", "ingest-lines", seed: 7);
        Assert.True(killsMidIngest >= 2, $"only {killsMidIngest} kills landed while ingest was running");
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            await IngestToEndAsync(http);
            await AssertEverythingOnceAsync(http, provider, 6);
        }

        Assert.Equal(!storage.ContainsKey("Storage__Provider"), File.Exists(Path.Combine(data, "items.db"))); // the stores asked for
    }

    internal static OpenAIBatchProvider Provider(EmulatorServer emulator) =>
        new(new OpenAIProviderOptions { Profile = "emulator", Endpoint = emulator.OpenAIEndpoint, ApiKey = PipelineHost.EmulatorKey });

    internal static async Task WaitUntilTerminalAsync(IBatchProvider provider)
    {
        while ((await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Any(b => !b.IsTerminal))
        {
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Four rounds of: start the host on the same data, start the ingest at <paramref name="path"/> (waiting), let it
    /// run a random 0.3 to 1.5 s, SIGKILL the host. Returns how many kills landed while the ingest was Running.
    /// </summary>
    internal static async Task<int> KillRepeatedlyAsync(string data, EmulatorServer emulator, int port, IReadOnlyDictionary<string, string> settings, string path, string instanceId, int seed)
    {
        int killsWhileRunning = 0;
        var random = new Random(seed);
        for (int round = 0; round < 4; round++)
        {
            using HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings);
            using HttpClient http = host.Client();
            using HttpResponseMessage start = await http.PostAsJsonAsync(path, new { wait = true });
            Assert.True(start.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await start.Content.ReadAsStringAsync());
            await Task.Delay(random.Next(300, 1500));
            if ((string)(await InstanceWaits.StatusAsync(http, instanceId))["runtimeStatus"]! == "Running")
            {
                killsWhileRunning++;
            }

            host.Kill();
        }

        return killsWhileRunning;
    }

    private static async Task ImportAsync(HttpClient http)
    {
        string ndjson = PipelineHost.Ndjson(EndToEndTests.Corpus(Items));
        using HttpResponseMessage r = await http.PostAsync("api/collections/lines/items", new StringContent(ndjson, Encoding.UTF8));
        r.EnsureSuccessStatusCode();
    }

    private static async Task<int> WaitForBatchesAsync(IBatchProvider provider, int atLeast)
    {
        while (true)
        {
            int n = (await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Count;
            if (n >= atLeast)
            {
                return n;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Runs ingest (following one already running) until no batch is open.</summary>
    private static async Task IngestToEndAsync(HttpClient http)
    {
        while (true)
        {
            using HttpResponseMessage r = await http.PostAsJsonAsync("api/embeddings/lines/ingest", new { wait = true });
            Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await r.Content.ReadAsStringAsync());
            JsonObject output = await InstanceWaits.WaitAsync(http, "ingest-lines");
            if ((int)output["open"]! == 0)
            {
                JsonArray batches = JsonNode.Parse(await http.GetStringAsync("api/batches?collection=lines"))!.AsArray();
                if (batches.All(b => (string)b!["status"]! == "Ingested"))
                {
                    return;
                }
            }
        }
    }

    private static async Task AssertEverythingOnceAsync(HttpClient http, IBatchProvider provider, int batches)
    {
        JsonObject stats = JsonNode.Parse(await http.GetStringAsync("api/collections/lines/stats"))!.AsObject();
        Assert.Equal(Items, (long)stats["items"]!["Succeeded"]!);
        Assert.Equal(Items, (long)stats["index"]!["vectors"]!); // one vector per item: nothing lost, nothing twice
        Assert.Equal(0, (int)stats["index"]!["pendingDeltas"]!);
        List<ProviderBatch> created = await provider.ListBatchesAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(batches, created.Count);
        Assert.Equal(batches, created.Select(b => b.BatchId).Distinct().Count());
        JsonArray summaries = JsonNode.Parse(await http.GetStringAsync("api/batches?collection=lines"))!.AsArray();
        Assert.Equal(batches, summaries.Count);
        Assert.All(summaries, s => Assert.Equal("Ingested", (string)s!["status"]!));
        using HttpResponseMessage search = await http.PostAsJsonAsync("api/collections/lines/search", new { text = EndToEndTests.Corpus(Items)[123].Text, k = 1 });
        Assert.Equal("item-0123", (string)JsonNode.Parse(await search.Content.ReadAsStringAsync())!["hits"]![0]!["id"]!);
    }
}
