using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Labels;
using BatchEmbed.OpenAIEmulator;
using BatchEmbed.Workflows.Pipeline;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// Seed 004 under SIGKILL: the host process is killed repeatedly while it ingests completion batches, then restarted
/// on the same data: every label gets its answer once, and no completion batch is created twice.
/// </summary>
public sealed class LabelCrashTests
{
    [Fact(Timeout = 300_000)]
    public async Task A_host_killed_repeatedly_during_the_labels_ingest_resumes_and_settles_every_label_once()
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync(o => o.Faults.DownloadBytesPerSecond = 10_000);
        string data = Directory.CreateTempSubdirectory("crash-labels-").FullName;
        int port = HostProcess.FreePort();
        var settings = new Dictionary<string, string> { ["Completions__PageSize"] = "120" }; // a page of labels plans its own batch
        var provider = CrashTests.Provider(emulator);

        List<ReceiptLabel> labels;
        int batches;
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            labels = await LabelValidationTests.ImportReceiptsAsync(http, 30);
            (await http.PostAsJsonAsync("api/validations/submit", new { })).EnsureSuccessStatusCode();
            batches = (int)(await InstanceWaits.WaitAsync(http, RunStarter.ValidateSubmitId))["batches"]!;
            await CrashTests.WaitUntilTerminalAsync(provider);
            host.Kill();
        }

        Assert.InRange(batches, 3, 100);
        int killsMidIngest = await CrashTests.KillRepeatedlyAsync(data, emulator, port, settings, "api/validations/ingest", RunStarter.ValidateIngestId, seed: 11);
        Assert.True(killsMidIngest >= 2, $"only {killsMidIngest} kills landed while the ingest was running");
        using (HostProcess host = await HostProcess.StartAsync(data, emulator, port, settings))
        {
            using HttpClient http = host.Client();
            while (true)
            {
                using HttpResponseMessage r = await http.PostAsJsonAsync("api/validations/ingest", new { wait = true });
                Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await r.Content.ReadAsStringAsync());
                if ((int)(await InstanceWaits.WaitAsync(http, RunStarter.ValidateIngestId))["open"]! == 0)
                {
                    break;
                }
            }

            // Nothing lost: every label has the rule's verdict, with no failed attempt counted against it.
            Dictionary<string, JsonNode> shown = await LabelValidationTests.ListAsync(http);
            Assert.Equal(labels.Count, shown.Count);
            Assert.All(labels, l => Assert.Equal((LabelValidationTests.Expected(l), 0), ((string)shown[l.Id]["validationStatus"]!, (int)shown[l.Id]["attempts"]!)));

            // Nothing twice: one provider batch per summary, each ingested once.
            List<ProviderBatch> created = await provider.ListBatchesAsync(CancellationToken.None).ToListAsync();
            Assert.Equal(batches, created.Count);
            Assert.Equal(batches, created.Select(b => b.BatchId).Distinct().Count());
            JsonArray summaries = JsonNode.Parse(await http.GetStringAsync("api/batches?collection=labels"))!.AsArray();
            Assert.Equal(batches, summaries.Count);
            Assert.All(summaries, s => Assert.Equal(("Ingested", "completion"), ((string)s!["status"]!, ((string)s["kind"]!).ToLowerInvariant())));
            Assert.Equal("nothing-to-do", (string)(await SubmitAgainAsync(http))["outcome"]!);
        }
    }

    private static async Task<JsonObject> SubmitAgainAsync(HttpClient http)
    {
        using HttpResponseMessage r = await http.PostAsJsonAsync("api/validations/submit", new { });
        r.EnsureSuccessStatusCode();
        return await InstanceWaits.WaitAsync(http, RunStarter.ValidateSubmitId);
    }
}
