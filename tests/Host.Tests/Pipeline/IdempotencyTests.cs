using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Items;
using BatchEmbed.OpenAIEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

public sealed class IdempotencyTests
{
    [Fact(Timeout = 120_000)]
    public async Task A_second_submit_creates_no_batch()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(60)));
        await host.SubmitAsync("lines");
        JsonObject again = await host.SubmitAsync("lines"); // items are Pending: nothing to claim
        Assert.Equal("nothing-to-do", (string)again["outcome"]!);
        await host.IngestAsync("lines");
        Assert.Equal("nothing-to-do", (string)(await host.SubmitAsync("lines"))["outcome"]!);
        Assert.Single(await host.ProviderBatchesAsync());
    }

    [Fact(Timeout = 120_000)]
    public async Task Changing_the_dimensions_or_the_model_re_embeds_everything_into_a_new_index()
    {
        await using EmulatorServer emulator = await PipelineHost.StartEmulatorAsync();
        string data = Directory.CreateTempSubdirectory("pipeline-host-").FullName;
        await using (PipelineHost first = await PipelineHost.StartAsync(dataDir: data, sharedEmulator: emulator))
        {
            await first.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(40)));
            await first.SubmitAsync("lines");
            await first.IngestAsync("lines");
            Assert.Equal(1536, (int)(await first.StatsAsync("lines"))["index"]!["dimensions"]!);
        }

        await using (PipelineHost smaller = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:Dimensions"] = "256" }, dataDir: data, sharedEmulator: emulator))
        {
            JsonObject before = await smaller.StatsAsync("lines");
            Assert.Equal(0, (long)before["index"]!["vectors"]!); // a new fingerprint, a new index
            JsonObject submit = await smaller.SubmitAsync("lines");
            Assert.Equal(40, (long)submit["items"]!);
            await smaller.IngestAsync("lines");
            JsonObject after = await smaller.StatsAsync("lines");
            Assert.Equal(40, PipelineHost.Count(after, "Succeeded"));
            Assert.Equal(40, (long)after["index"]!["vectors"]!);
            Assert.Equal(256, (int)after["index"]!["dimensions"]!);
        }

        await using (PipelineHost large = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:Model"] = "text-embedding-3-large" }, dataDir: data, sharedEmulator: emulator))
        {
            JsonObject submit = await large.SubmitAsync("lines");
            Assert.Equal(40, (long)submit["items"]!);
            await large.IngestAsync("lines");
            JsonObject after = await large.StatsAsync("lines");
            Assert.Equal(3072, (int)after["index"]!["dimensions"]!);
            Assert.Equal(40, (long)after["index"]!["vectors"]!);
        }

        await using PipelineHost last = await PipelineHost.StartAsync(dataDir: data, sharedEmulator: emulator);
        Assert.Equal(3, (await last.ProviderBatchesAsync()).Count); // one per fingerprint, none repeated
    }

    [Fact(Timeout = 120_000)]
    public async Task Changing_one_items_text_re_embeds_that_item_only()
    {
        await using PipelineHost host = await PipelineHost.StartAsync();
        var corpus = EndToEndTests.Corpus(50);
        await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        await host.SubmitAsync("lines");
        await host.IngestAsync("lines");

        corpus[7] = (corpus[7].Id, "a completely different line of text");
        JsonObject import = await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        Assert.Equal(1, (long)import["updated"]!);
        Assert.Equal(49, (long)import["unchanged"]!);

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal(1, (long)submit["requests"]!);
        await host.IngestAsync("lines");
        JsonArray hits = await host.SearchAsync("lines", "a completely different line of text");
        Assert.Equal("item-0007", (string)hits[0]!["id"]!);
        Assert.True((float)hits[0]!["score"]! > 0.999f);
        Assert.Equal(50, (long)(await host.StatsAsync("lines"))["index"]!["vectors"]!);
    }

    [Fact(Timeout = 120_000)]
    public async Task An_item_re_embedded_into_fewer_chunks_leaves_no_old_chunk_vectors_behind()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:ChunkTokens"] = "64" });
        var corpus = EndToEndTests.Corpus(10);
        corpus.Add(("long", string.Join(' ', Enumerable.Range(0, 300).Select(i => $"token{i}"))));
        await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        long chunks = (long)(await host.SubmitAsync("lines"))["requests"]!;
        await host.IngestAsync("lines");
        Assert.True(chunks >= 14, $"the long item should span several chunks ({chunks} requests)");
        Assert.Equal(chunks, (long)(await host.StatsAsync("lines"))["index"]!["vectors"]!);

        corpus[^1] = ("long", "now a short text");
        await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        Assert.Equal(1, (long)(await host.SubmitAsync("lines"))["requests"]!);
        await host.IngestAsync("lines");

        Assert.Equal(11, (long)(await host.StatsAsync("lines"))["index"]!["vectors"]!); // one vector per item again
        JsonArray hits = await host.SearchAsync("lines", string.Join(' ', Enumerable.Range(100, 60).Select(i => $"token{i}")), 3);
        Assert.DoesNotContain(hits, h => (string)h!["id"]! == "long" && (int)h["chunk"]! > 0);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_stale_batch_never_overwrites_a_newer_vector()
    {
        // The first batch runs slowly; meanwhile one item's text changes and a second batch embeds the new text.
        await using PipelineHost host = await PipelineHost.StartAsync(emulator: o => o.LinesPerSecond = 60);
        var corpus = EndToEndTests.Corpus(120);
        await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        await host.SubmitAsync("lines");

        corpus[3] = (corpus[3].Id, "the newer text of item three");
        await host.ImportAsync("lines", PipelineHost.Ndjson(corpus));
        JsonObject second = await host.SubmitAsync("lines");
        Assert.Equal(1, (long)second["requests"]!);
        await host.IngestAsync("lines");

        IItemStore items = host.Host.Services.GetRequiredService<IItemStore>();
        StoredItem three = (await items.GetAsync("lines", "item-0003", CancellationToken.None))!;
        Assert.Equal(ItemStatus.Succeeded, three.Status);
        Assert.Equal((string)second["batchIds"]![0]!, three.BatchId);
        JsonArray newer = await host.SearchAsync("lines", "the newer text of item three", 1);
        Assert.Equal("item-0003", (string)newer[0]!["id"]!);
        Assert.True((float)newer[0]!["score"]! > 0.999f, "the vector must be the newer text's");
        JsonArray older = await host.SearchAsync("lines", EndToEndTests.Corpus(120)[3].Text, 1);
        Assert.NotEqual("item-0003", (string)older[0]!["id"]!);
        Assert.Equal(120, PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded"));
    }
}
