using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Domain.Samples;
using BatchEmbed.Hosting.Timers;
using BatchEmbed.OpenAIEmulator;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Seed 004 end to end: receipt labels judged by batch chat completions through the host and the emulator.</summary>
public sealed class LabelValidationTests
{
    private static readonly string[] s_verdicts = ["Valid", "Invalid", "NeedsReview"];

    [Fact(Timeout = 180_000)]
    public async Task Every_label_gets_the_verdict_the_emulators_rule_gives_and_a_second_submit_finds_nothing()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        List<ReceiptLabel> labels = await ImportReceiptsAsync(host.Http, 6);

        JsonObject submit = Output(await host.RunAsync("api/validations/submit"));
        Assert.Equal(("submitted", labels.Count, 6L), ((string)submit["outcome"]!, (int)(long)submit["items"]!, (long)submit["requests"]!));
        Assert.Equal("nothing-to-do", (string)Output(await host.RunAsync("api/validations/submit"))["outcome"]!); // all Pending

        JsonObject ingest = Output(await host.RunAsync("api/validations/ingest", new { wait = true }));
        Assert.Equal(labels.Count, (int)ingest["totals"]!["itemsSucceeded"]!);
        Assert.True((decimal)ingest["totals"]!["actualUsd"]! > 0);

        Dictionary<string, JsonNode> shown = await ListAsync(host.Http);
        Assert.Equal(labels.Count, shown.Count);
        var expected = labels.ToDictionary(l => l.Id, Expected);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), shown.Select(kv => KeyValuePair.Create(kv.Key, (string)kv.Value["validationStatus"]!)).OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Contains(expected.Values, v => v == "Invalid");
        Assert.All(shown.Values, v => Assert.False(string.IsNullOrEmpty((string?)v["reasoning"])));

        JsonObject stats = (await host.GetAsync("api/labels/stats")).AsObject();
        Assert.Equal(0, (long)stats["byStatus"]!["None"]! + (long)stats["byStatus"]!["Pending"]!);
        Assert.Equal("nothing-to-do", (string)Output(await host.RunAsync("api/validations/submit"))["outcome"]!);
        Assert.Single(await host.ProviderBatchesAsync());

        JsonArray one = (await host.GetAsync($"api/labels?receipt={labels[0].ReceiptKey}&status=Valid")).AsObject()["labels"]!.AsArray();
        Assert.All(one, l => Assert.Equal((labels[0].ReceiptKey, "Valid"), ((string)l!["imageId"]! + "/" + (int)l["receiptId"]!, (string)l["validationStatus"]!)));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_new_prompt_version_validates_every_label_again()
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync();
        string data = Directory.CreateTempSubdirectory("pipeline-host-").FullName;
        int count;
        await using (PipelineHost first = await PipelineHost.StartAsync(dataDir: data, sharedEmulator: emulator))
        {
            count = (await ImportReceiptsAsync(first.Http, 3)).Count;
            await first.RunAsync("api/validations/submit");
            await first.RunAsync("api/validations/ingest", new { wait = true });
        }

        await using PipelineHost second = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Completions:PromptVersion"] = "2" }, dataDir: data, sharedEmulator: emulator);
        JsonObject stats = (await second.GetAsync("api/labels/stats")).AsObject();
        Assert.Equal(count, (long)stats["byStatus"]!["None"]!); // answered under another fingerprint
        JsonObject submit = Output(await second.RunAsync("api/validations/submit"));
        Assert.Equal(count, (long)submit["items"]!);
        await second.RunAsync("api/validations/ingest", new { wait = true });
        Assert.Equal(0, (long)(await second.GetAsync("api/labels/stats"))["byStatus"]!["None"]!);
        Assert.Equal(2, (await second.ProviderBatchesAsync()).Count);
    }

    [Fact(Timeout = 240_000)]
    public async Task Every_spoiled_answer_sends_its_receipt_back_with_the_reason_and_the_last_attempt_leaves_it_for_review()
    {
        ChatFault[] faults = [ChatFault.Malformed, ChatFault.Truncated, ChatFault.Refusal, ChatFault.UnknownId];
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Completions:MaxAttempts"] = "2" }, o =>
        {
            foreach (ChatFault f in faults)
            {
                o.Faults.ChatFaults.Enqueue(f);
            }
        });
        List<ReceiptLabel> labels = await ImportReceiptsAsync(host.Http, 6);
        await host.RunAsync("api/validations/submit");
        JsonObject first = Output(await host.RunAsync("api/validations/ingest", new { wait = true }));

        // The first four receipts answered were spoiled, one way each: their labels are back to None with the reason.
        Dictionary<string, JsonNode> shown = await ListAsync(host.Http);
        var back = shown.Values.Where(l => (string)l["validationStatus"]! == "None").ToList();
        Assert.Equal(4, back.Select(l => (string)l["imageId"]! + "/" + (int)l["receiptId"]!).Distinct().Count());
        Assert.Equal(back.Count, (int)first["totals"]!["itemsRequeued"]!);
        Assert.Equal(labels.Count - back.Count, (int)first["totals"]!["itemsSucceeded"]!);
        string reasons = string.Join(" ", back.Select(l => (string)l["lastError"]!));
        foreach (string code in new[] { "malformed_json", "truncated", "refusal", "unknown_label" })
        {
            Assert.Contains(code + ":", reasons, StringComparison.Ordinal);
        }

        // The second attempt is spoiled too: those labels are left NeedsReview, out of attempts, with the reason.
        foreach (ChatFault f in faults)
        {
            host.Emulator.Options.Faults.ChatFaults.Enqueue(f);
        }

        JsonObject retry = Output(await host.RunAsync("api/validations/submit"));
        Assert.Equal((back.Count, 4L), ((int)(long)retry["items"]!, (long)retry["requests"]!));
        JsonObject second = Output(await host.RunAsync("api/validations/ingest", new { wait = true }));
        Assert.Equal(back.Count, (int)second["verdicts"]!["gaveUp"]!);

        shown = await ListAsync(host.Http);
        foreach (JsonNode l in back)
        {
            JsonNode now = shown[(string)l["id"]!];
            Assert.Equal(("NeedsReview", 2), ((string)now["validationStatus"]!, (int)now["attempts"]!));
            Assert.False(string.IsNullOrEmpty((string?)now["reasoning"]));
        }

        var expected = labels.Where(l => back.All(b => (string)b["id"]! != l.Id)).ToDictionary(l => l.Id, Expected);
        Assert.All(expected, kv => Assert.Equal(kv.Value, (string)shown[kv.Key]["validationStatus"]!));
        JsonObject stats = (await host.GetAsync("api/labels/stats")).AsObject();
        Assert.Equal(labels.Count, (long)stats["byStatus"]!["Valid"]! + (long)stats["byStatus"]!["Invalid"]! + (long)stats["byStatus"]!["NeedsReview"]!);
    }

    [Fact(Timeout = 240_000)]
    public async Task Auto_mode_validates_the_labels_beside_the_embeddings_and_its_report_counts_their_outcomes_and_spend()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        List<ReceiptLabel> labels = await ImportReceiptsAsync(host.Http, 4);

        // The labels and the receipts' metadata are judged, never embedded: named for embedding, they are refused.
        foreach (string c in new[] { "labels", "receipts" })
        {
            using HttpResponseMessage refused = await host.Http.PostAsJsonAsync($"api/embeddings/{c}/submit", new { });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("not embedded", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        JsonObject run = Output(await host.RunAsync("api/embeddings/enrich", null, 180));
        Assert.Equal(["lines", "words"], run["submissions"]!.AsArray().Select(s => (string)s!["collection"]!).Order(StringComparer.Ordinal));
        Assert.Equal(("submitted", labels.Count), ((string)run["validation"]!["outcome"]!, (int)(long)run["validation"]!["items"]!));
        JsonObject verdicts = run["answers"]!["verdicts"]!.AsObject();
        var expected = labels.GroupBy(Expected).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((expected.GetValueOrDefault("Valid"), expected.GetValueOrDefault("Invalid"), expected.GetValueOrDefault("NeedsReview")),
            ((int)verdicts["valid"]!, (int)verdicts["invalid"]!, (int)verdicts["needsReview"]!));
        decimal spent = (decimal)run["answers"]!["totals"]!["actualUsd"]!;
        Assert.True(spent > 0);
        Assert.Equal((long)run["ingest"]!["totals"]!["itemsSucceeded"]!, PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded") + PipelineHost.Count(await host.StatsAsync("words"), "Succeeded"));
        Assert.Equal(0, PipelineHost.Count(await host.StatsAsync("receipts"), "Succeeded")); // metadata stays unembedded

        string report = await File.ReadAllTextAsync(Path.Combine(host.DataDir, "blobs", (string)run["reportPath"]!));
        Assert.Contains($"| labels | submitted | {labels.Count:N0} |", report, StringComparison.Ordinal);
        Assert.Contains($"{(int)verdicts["valid"]!:N0} valid, {(int)verdicts["invalid"]!:N0} invalid, {(int)verdicts["needsReview"]!:N0} need review", report, StringComparison.Ordinal);
        Assert.Contains("actual " + BudgetGate.Usd(spent), report, StringComparison.Ordinal);
        Assert.Equal(3, (await host.ProviderBatchesAsync()).Count); // lines, words, and one completion batch
    }

    [Fact(Timeout = 180_000)]
    public async Task The_timer_in_auto_mode_submits_and_ingests_the_labels_and_embeds_neither_them_nor_the_receipts()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:Mode"] = "auto" });
        List<ReceiptLabel> labels = await ImportReceiptsAsync(host.Http, 3);
        PollPendingTimer timer = host.Host.Services.GetRequiredService<PollPendingTimer>();
        DurableTaskClient client = host.Host.Services.GetRequiredService<DurableTaskClient>();

        await timer.RunOnceAsync(CancellationToken.None);
        await host.WaitAsync(RunStarter.ValidateSubmitId);
        Assert.NotNull(await client.GetInstanceAsync(RunStarter.ValidateIngestId));
        Assert.Null(await client.GetInstanceAsync(RunStarter.SubmitId("labels")));
        Assert.Null(await client.GetInstanceAsync(RunStarter.SubmitId("receipts")));

        DateTime until = DateTime.UtcNow.AddSeconds(90);
        while ((await host.GetAsync("api/labels/stats"))["byStatus"]!.AsObject() is var by && (long)by["None"]! + (long)by["Pending"]! > 0)
        {
            Assert.True(DateTime.UtcNow < until, "the timer's ingests did not settle the labels");
            await timer.RunOnceAsync(CancellationToken.None);
            await Task.Delay(300);
        }

        Dictionary<string, JsonNode> shown = await ListAsync(host.Http);
        Assert.All(labels, l => Assert.Equal(Expected(l), (string)shown[l.Id]["validationStatus"]!));
        Assert.Equal(3, (await host.ProviderBatchesAsync()).Count); // lines, words and the labels' one: nothing submitted twice
    }

    [Fact(Timeout = 120_000)]
    public async Task Labels_naming_unknown_receipts_lines_or_words_are_rejected_with_their_line_numbers()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        List<ReceiptLabel> labels = await ImportReceiptsAsync(host.Http, 1, importLabels: false);
        ReceiptLabel good = labels[0];
        string body = string.Join("\n",
            good.ToJson(),
            (good with { ImageId = "no-such-image" }).ToJson(),
            (good with { LineId = 999 }).ToJson(),
            (good with { WordId = 99 }).ToJson(),
            (good with { Label = "NOT_A_LABEL" }).ToJson(),
            "{\"imageId\":\"x\",",
            "[1,2]",
            string.Empty,
            (good with { Label = "TOTAL_X" }).ToJson().Replace("TOTAL_X", "DATE", StringComparison.Ordinal)) + "\n";
        using var content = new StringContent(body, Encoding.UTF8, "application/x-ndjson");
        using HttpResponseMessage r = await host.Http.PostAsync("api/labels", content);
        string text = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        JsonObject result = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((2L, 6L), ((long)result["imported"]!, (long)result["rejectedCount"]!));
        var rejected = result["rejected"]!.AsArray().ToDictionary(x => (long)x!["line"]!, x => (string)x!["error"]!);
        Assert.Equal([2L, 3, 4, 5, 6, 7], rejected.Keys.Order());
        Assert.Contains("unknown receipt", rejected[2], StringComparison.Ordinal);
        Assert.Contains("no line 999", rejected[3], StringComparison.Ordinal);
        Assert.Contains("no word 99", rejected[4], StringComparison.Ordinal);
        Assert.Contains("unknown label 'NOT_A_LABEL'", rejected[5], StringComparison.Ordinal);
        Assert.Contains("not valid JSON", rejected[6], StringComparison.Ordinal);
        Assert.Contains("JSON object", rejected[7], StringComparison.Ordinal);
    }

    /// <summary>The emulator's documented verdict for a label (<see cref="ChatAnswerRule"/>).</summary>
    internal static string Expected(ReceiptLabel l) =>
        s_verdicts[ChatAnswerRule.Pick($"labels|{l.ReceiptKey}|0", l.LocalId + "|verdict", 3)];

    /// <summary>An orchestration's output, as <see cref="PipelineHost.RunAsync"/> returns it.</summary>
    private static JsonObject Output(JsonObject output) => output;

    internal static async Task<Dictionary<string, JsonNode>> ListAsync(HttpClient http)
    {
        var all = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            JsonObject page = JsonNode.Parse(await http.GetStringAsync("api/labels?limit=200" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after))))!.AsObject();
            foreach (JsonNode? l in page["labels"]!.AsArray())
            {
                all[(string)l!["id"]!] = l;
            }

            after = (string?)page["nextCursor"];
        }
        while (after is not null);
        return all;
    }

    /// <summary>Imports generated receipts (receipts, lines, words) and, unless told not to, their labels.</summary>
    internal static async Task<List<ReceiptLabel>> ImportReceiptsAsync(HttpClient http, int count, bool importLabels = true)
    {
        List<Receipt> receipts = [.. new ReceiptCorpusGenerator(7).Receipts(count)];
        await ImportAsync(http, "receipts", receipts.Select(r => r.ToReceiptItem()));
        await ImportAsync(http, "lines", receipts.SelectMany(r => r.ToLineItems()));
        await ImportAsync(http, "words", receipts.SelectMany(r => r.ToWordItems()));
        List<ReceiptLabel> labels = [.. receipts.SelectMany(r => r.ToLabels())];
        if (importLabels)
        {
            using var content = new StringContent(string.Concat(labels.Select(l => l.ToJson() + "\n")), Encoding.UTF8, "application/x-ndjson");
            using HttpResponseMessage r = await http.PostAsync("api/labels", content);
            string body = await r.Content.ReadAsStringAsync();
            Assert.True(r.IsSuccessStatusCode, body);
            Assert.Equal(labels.Count, (long)JsonNode.Parse(body)!["imported"]!);
        }

        return labels;
    }

    private static async Task ImportAsync(HttpClient http, string collection, IEnumerable<CorpusItem> items)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (CorpusItem item in items)
        {
            CorpusItemJson.WriteLine(buffer, item);
        }

        using var content = new StringContent(Encoding.UTF8.GetString(buffer.WrittenSpan), Encoding.UTF8, "application/x-ndjson");
        using HttpResponseMessage r = await http.PostAsync($"api/collections/{collection}/items", content);
        Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
    }
}
