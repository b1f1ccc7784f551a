using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;

namespace BatchEmbed.Hosting.Tests.Pipeline;

public sealed class EndToEndTests
{
    internal static List<(string Id, string Text)> Corpus(int n, string tag = "") =>
        Enumerable.Range(0, n).Select(i => ($"item-{i:D4}", $"receipt line {i} {tag} total {i * 7 % 100}.{i % 10}9 EUR")).ToList();

    [Fact(Timeout = 120_000)]
    public async Task Every_item_is_embedded_through_real_batches_and_search_finds_an_item_by_its_own_text()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:PageSize"] = "70", ["Pipeline:ChunkTokens"] = "64" });
        var items = Corpus(200);
        string longText = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"word{i}"));
        items.Add(("long-one", longText)); // chunked into several windows
        await host.ImportAsync("lines", PipelineHost.Ndjson(items));

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal("submitted", (string)submit["outcome"]!);
        Assert.True((int)submit["batches"]! >= 3, submit.ToJsonString()); // 201 items in pages of 70
        long chunks = (long)submit["requests"]!;
        Assert.True(chunks > items.Count, "the long item must be chunked");

        JsonObject ingest = await host.IngestAsync("lines");
        Assert.Equal(0, (int)ingest["open"]!);

        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(items.Count, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(items.Count, (long)stats["itemsTotal"]!);
        Assert.Equal(chunks, (long)stats["index"]!["vectors"]!);
        Assert.Equal(0, (int)stats["index"]!["pendingDeltas"]!);
        Assert.True((decimal)stats["actualUsd"]! > 0);

        JsonArray hits = await host.SearchAsync("lines", items[42].Text);
        Assert.Equal("item-0042", (string)hits[0]!["id"]!);
        Assert.True((float)hits[0]!["score"]! > 0.999f);

        List<ProviderBatch> created = await host.ProviderBatchesAsync();
        Assert.Equal((int)submit["batches"]!, created.Count);
        Assert.Equal(created.Count, created.Select(b => b.BatchId).Distinct().Count());
    }

    [Fact(Timeout = 120_000)]
    public async Task Without_batch_embeddings_the_azure_profile_falls_back_to_the_synchronous_api_with_the_same_bookkeeping()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:SyncInputsPerRequest"] = "16" }, azure: true);
        var items = Corpus(50);
        await host.ImportAsync("lines", PipelineHost.Ndjson(items));

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal("submitted", (string)submit["outcome"]!);
        await host.IngestAsync("lines");

        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(50, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(50, (long)stats["index"]!["vectors"]!);
        JsonArray batches = (await host.GetAsync("api/batches?collection=lines")).AsArray();
        JsonNode batch = Assert.Single(batches)!;
        Assert.StartsWith("sync-", (string)batch["providerBatchId"]!, StringComparison.Ordinal);
        Assert.Equal("Ingested", (string)batch["status"]!);
        Assert.Empty(await host.ProviderBatchesAsync()); // nothing went through the Batch API
        Assert.Equal((decimal)batch["estimatedUsd"]!, (decimal)batch["actualUsd"]!); // priced at the synchronous rate both times
    }
}
