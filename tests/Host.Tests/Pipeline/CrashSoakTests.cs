using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// Soak: a larger corpus and many SIGKILLs at random moments across submit, ingest and compaction. Not part of the
/// default run; <c>bench/stress.sh</c> runs it.
/// </summary>
[Trait("Category", "Stress")]
public sealed class CrashSoakTests
{
    [Fact(Timeout = 1_800_000)]
    public async Task Many_kills_at_random_moments_lose_nothing_and_pay_nothing_twice()
    {
        const int items = 20_000;
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(o =>
        {
            o.LinesPerSecond = 3_000;
            o.Faults.SlowCreateResponses = 10_000;
            o.Faults.SlowCreateDelay = TimeSpan.FromMilliseconds(300);
            o.Faults.DownloadBytesPerSecond = 2_000_000;
        });
        string data = Directory.CreateTempSubdirectory("crash-soak-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string> { ["Pipeline__PageSize"] = "1000", ["Pipeline__MaxConcurrency"] = "4" };
        var provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = emulator.OpenAIEndpoint, ApiKey = PipelineHost.EmulatorKey });
        var random = new Random(11);

        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            string ndjson = PipelineHost.Ndjson(EndToEndTests.Corpus(items));
            (await http.PostAsync("api/collections/lines/items", new StringContent(ndjson, Encoding.UTF8))).EnsureSuccessStatusCode();
        }

        for (int round = 0; round < 12; round++)
        {
            using HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings);
            using HttpClient http = host.Client();
            string path = round < 4 ? "api/embeddings/lines/submit" : "api/embeddings/lines/ingest";
            using HttpResponseMessage start = await http.PostAsJsonAsync<object>(path, round < 4 ? new { } : new { wait = true });
            Assert.True(start.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await start.Content.ReadAsStringAsync());
            await Task.Delay(random.Next(500, 4_000));
            host.Kill();
        }

        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            while (true)
            {
                JsonObject submit = JsonNode.Parse(await http.GetStringAsync("runtime/webhooks/durabletask/instances/submit-lines"))!.AsObject();
                if ((string)submit["runtimeStatus"]! == "Completed")
                {
                    break;
                }

                await Task.Delay(500);
            }

            DateTime until = DateTime.UtcNow.AddMinutes(10);
            while (true)
            {
                using HttpResponseMessage r = await http.PostAsJsonAsync("api/embeddings/lines/ingest", new { wait = true });
                JsonObject stats = JsonNode.Parse(await http.GetStringAsync("api/collections/lines/stats"))!.AsObject();
                if ((long)stats["items"]!["Succeeded"]! == items && (long)stats["index"]!["vectors"]! == items && (int)stats["index"]!["pendingDeltas"]! == 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < until, stats.ToJsonString());
                await Task.Delay(2_000);
            }

            List<ProviderBatch> created = await provider.ListBatchesAsync(CancellationToken.None).ToListAsync();
            Assert.Equal(20, created.Count);
            Assert.Equal(20, created.Select(b => b.BatchId).Distinct().Count());
        }
    }
}
