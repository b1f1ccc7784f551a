using System.Numerics.Tensors;
using System.Text;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Files;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.OpenAIEmulator.Tests;

public sealed class RoundTripTests
{
    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("base64")]
    public async Task Plan_upload_create_poll_download_and_reconcile_through_the_official_sdk(string? format)
    {
        await using var emu = await EmulatorFixture.StartAsync();
        string dir = Directory.CreateTempSubdirectory("plan-").FullName;
        var items = Enumerable.Range(0, 300).Select(i => new CorpusItem($"r{i}", $"AVOCADO HASS {i % 17}.03 receipt line {i}")).ToList();
        BatchPlan plan = await new EmbeddingBatchPlanner(new EmbeddingPlanSettings("lines", EmbeddingTarget.Create("text-embedding-3-small", 256), ProviderProfile.Emulator, format))
            .PlanAsync(items.ToAsyncEnumerable(), new DirectoryBatchFileSink(dir));
        PlannedBatch planned = Assert.Single(plan.Batches);

        string fileId;
        await using (FileStream fs = File.OpenRead(planned.Path))
        {
            fileId = await emu.Provider.UploadBatchFileAsync(fs, Path.GetFileName(planned.Path), CancellationToken.None);
        }

        ProviderBatch created = await emu.Provider.CreateBatchAsync(new BatchCreateRequest(planned.BatchId, fileId, BatchEndpoints.Embeddings), CancellationToken.None);
        Assert.Equal(planned.BatchId, created.BatchId);
        ProviderBatch done = await emu.WaitTerminalAsync(created.Id);
        Assert.Equal("completed", done.Status);
        Assert.Equal((300, 300, 0), (done.Total, done.Completed, done.Failed));
        Assert.Equal(plan.Tokens, done.InputTokens);

        var reconciler = new ResultReconciler(items.Select(i => CustomId.Format("lines", i.Id, 0)));
        var vectors = new Dictionary<string, float[]>();
        var order = new List<string>();
        await using (Stream output = await emu.Provider.OpenFileAsync(done.OutputFileId!, CancellationToken.None))
        {
            await foreach (BatchResultLine line in BatchResultReader.ReadAsync(output))
            {
                Assert.Equal(ResultOutcome.Ok, reconciler.Observe(line));
                vectors[line.CustomId!] = line.Embeddings[0];
                order.Add(line.CustomId!);
            }
        }

        ReconcileReport report = reconciler.Complete();
        Assert.True(report.IsComplete);
        Assert.NotEqual(items.Select(i => CustomId.Format("lines", i.Id, 0)), order); // output order is not input order
        Assert.All(vectors.Values, v => Assert.Equal(256, v.Length));
        Assert.All(vectors.Values, v => Assert.Equal(1.0, TensorPrimitives.Norm(v), 3));
        Assert.Null(done.ErrorFileId);
    }

    [Fact(Timeout = 60_000)]
    public async Task Embeddings_are_deterministic_and_texts_that_share_words_are_closer()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        float[] a1 = await Embed(emu, "GRND BEEF 80/20 43.95");
        float[] a2 = await Embed(emu, "GRND BEEF 80/20 43.95");
        float[] near = await Embed(emu, "GRND BEEF 80/20 12.00");
        float[] far = await Embed(emu, "Thank you for shopping with us!");
        Assert.Equal(a1, a2);
        Assert.Equal(1536, a1.Length);
        Assert.True(TensorPrimitives.CosineSimilarity(a1, near) > TensorPrimitives.CosineSimilarity(a1, far) + 0.3);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_chat_batch_returns_json_that_matches_the_requested_schema()
    {
        await using var emu = await EmulatorFixture.StartAsync();
        const string schema = """{"type":"json_schema","json_schema":{"name":"verdict","schema":{"type":"object","properties":{"verdict":{"type":"string","enum":["valid","invalid","needs_review"]},"suggested_label":{"type":"string"},"confidence":{"type":"number"}},"required":["verdict"]}}}""";
        var lines = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $$$"""{"custom_id":"labels|{{{i}}}","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Is word {{{i}}} a GRAND_TOTAL?"}],"response_format":{{{schema}}}}}""").Append('\n');
        }

        string fileId = await emu.UploadAsync(lines.ToString());
        ProviderBatch b = await emu.WaitTerminalAsync((await emu.Provider.CreateBatchAsync(new BatchCreateRequest("cmp-1", fileId, BatchEndpoints.ChatCompletions), CancellationToken.None)).Id);
        Assert.Equal("completed", b.Status);
        Assert.True(b.OutputTokens > 0);
        var verdicts = new HashSet<string>();
        await using Stream output = await emu.Provider.OpenFileAsync(b.OutputFileId!, CancellationToken.None);
        await foreach (BatchResultLine line in BatchResultReader.ReadAsync(output))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line.Content!);
            string verdict = doc.RootElement.GetProperty("verdict").GetString()!;
            Assert.Contains(verdict, new[] { "valid", "invalid", "needs_review" });
            Assert.Equal(System.Text.Json.JsonValueKind.Number, doc.RootElement.GetProperty("confidence").ValueKind);
            verdicts.Add(verdict);
        }

        Assert.True(verdicts.Count > 1, "verdicts should vary by prompt");
    }

    private static async Task<float[]> Embed(EmulatorFixture emu, string text)
    {
        var response = await emu.Http.PostAsync("embeddings", new StringContent($$"""{"model":"text-embedding-3-small","input":{{System.Text.Json.JsonSerializer.Serialize(text)}}}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
    }
}
