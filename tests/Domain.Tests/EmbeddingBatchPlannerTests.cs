using System.Runtime.CompilerServices;
using System.Text.Json;
using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Domain.Tests;

public sealed class EmbeddingBatchPlannerTests
{
    private static readonly EmbeddingTarget s_small = EmbeddingTarget.Create("text-embedding-3-small");

    [Fact]
    public async Task Batches_roll_at_the_request_limit_and_every_line_targets_the_batch_endpoint()
    {
        var profile = ProviderProfile.OpenAI with { MaxRequestsPerBatch = 10, MaxEmbeddingInputsPerBatch = 10 };
        var (plan, sink) = await Plan(Items(25), new EmbeddingPlanSettings("lines", s_small, profile));

        Assert.Equal([10, 10, 5], plan.Batches.Select(b => b.Requests));
        Assert.Equal(25, plan.ItemsPlanned);
        for (int b = 0; b < 3; b++)
        {
            var lines = sink.Lines(b);
            Assert.All(lines, l => Assert.Equal("/v1/embeddings", l.GetProperty("url").GetString()));
            Assert.All(lines, l => Assert.Equal("POST", l.GetProperty("method").GetString()));
            Assert.All(lines, l => Assert.Equal("text-embedding-3-small", l.GetProperty("body").GetProperty("model").GetString()));
            Assert.Equal(lines.Count, lines.Select(l => l.GetProperty("custom_id").GetString()).Distinct().Count());
        }

        Assert.Equal(plan.Batches.Select(b => b.BatchId), sink.Committed.Select(c => c.BatchId));
        Assert.Equal(plan.Batches.Sum(b => b.Bytes), sink.Committed.Sum(c => c.Bytes.Length));
    }

    [Fact]
    public async Task Batches_roll_before_exceeding_the_file_size_or_token_cap()
    {
        var bySize = ProviderProfile.OpenAI with { MaxFileBytes = 2_000 };
        var (plan, sink) = await Plan(Items(40), new EmbeddingPlanSettings("lines", s_small, bySize));
        Assert.True(plan.Batches.Count > 2);
        Assert.All(sink.Committed, c => Assert.True(c.Bytes.Length <= 2_000));

        var (capped, _) = await Plan(Items(40), new EmbeddingPlanSettings("lines", s_small, ProviderProfile.OpenAI, MaxTokensPerBatch: 50));
        Assert.True(capped.Batches.Count > 2);
        Assert.All(capped.Batches, b => Assert.True(b.Tokens <= 50));
        Assert.Equal(40, capped.Requests);
    }

    [Fact]
    public async Task The_same_input_and_settings_give_the_same_batch_ids_and_bytes()
    {
        var settings = new EmbeddingPlanSettings("lines", s_small, ProviderProfile.OpenAI with { MaxRequestsPerBatch = 7 });
        var (a, sa) = await Plan(Items(20), settings);
        var (b, sb) = await Plan(Items(20), settings);
        Assert.Equal(a.Batches.Select(x => x.BatchId), b.Batches.Select(x => x.BatchId));
        Assert.Equal(sa.Committed.Select(c => Convert.ToBase64String(c.Bytes)), sb.Committed.Select(c => Convert.ToBase64String(c.Bytes)));

        var (c, _) = await Plan(Items(20, changed: 3), settings);
        Assert.NotEqual(a.Batches[0].BatchId, c.Batches[0].BatchId);
        Assert.Equal(a.Batches[1].BatchId, c.Batches[1].BatchId);

        var other = settings with { Target = EmbeddingTarget.Create("text-embedding-3-small", 256) };
        var (d, _) = await Plan(Items(20), other);
        Assert.NotEqual(a.Batches[2].BatchId, d.Batches[2].BatchId);
    }

    [Fact]
    public async Task Dimensions_and_encoding_format_go_into_every_body()
    {
        var target = EmbeddingTarget.Create("text-embedding-3-large", 256);
        var (_, sink) = await Plan(Items(3), new EmbeddingPlanSettings("words", target, ProviderProfile.OpenAI, EncodingFormat: "base64"));
        JsonElement body = sink.Lines(0)[0].GetProperty("body");
        Assert.Equal(256, body.GetProperty("dimensions").GetInt32());
        Assert.Equal("base64", body.GetProperty("encoding_format").GetString());
        Assert.Equal("words|item-0|0", sink.Lines(0)[0].GetProperty("custom_id").GetString());
    }

    [Fact]
    public async Task Oversize_texts_are_chunked_into_numbered_custom_ids()
    {
        var target = EmbeddingTarget.Create("text-embedding-3-small", null, new ChunkerSettings(100, 0.1));
        var items = new[] { new CorpusItem("doc|with|pipes", ChunkerTests.LongText(2000)), new CorpusItem("short", "hi there") };
        var (plan, sink) = await Plan(items.ToAsyncEnumerable(), new EmbeddingPlanSettings("docs", target, ProviderProfile.OpenAI));
        var ids = sink.Lines(0).Select(l => l.GetProperty("custom_id").GetString()!).ToList();
        Assert.True(ids.Count > 10);
        Assert.Equal("docs|doc|with|pipes|0", ids[0]);
        Assert.True(CustomId.TryParse(ids[3], out CustomId parsed));
        Assert.Equal(("docs", "doc|with|pipes", 3), (parsed.Collection, parsed.ItemId, parsed.ChunkIndex));
        Assert.Equal("docs|short|0", ids[^1]);
        Assert.Equal(1, plan.ItemsChunked);
        Assert.All(sink.Lines(0), l => Assert.True(l.GetProperty("body").GetProperty("input").GetString()!.Length > 0));
    }

    [Fact]
    public async Task Empty_texts_are_counted_and_repeated_ids_are_reported()
    {
        var items = new[] { new CorpusItem("a", "text"), new CorpusItem("b", " \r\n "), new CorpusItem("a", "again") };
        var (plan, sink) = await Plan(items.ToAsyncEnumerable(), new EmbeddingPlanSettings("lines", s_small, ProviderProfile.OpenAI));
        Assert.Equal(1, plan.ItemsPlanned);
        Assert.Equal(1, plan.ItemsSkippedEmpty);
        Assert.Equal(1, plan.ErrorCount);
        Assert.Contains("appears twice", plan.Errors[0].Message, StringComparison.Ordinal);
        Assert.Single(sink.Lines(0));
    }

    [Fact]
    public async Task The_planner_streams_committing_batches_before_the_input_is_exhausted()
    {
        var sink = new MemoryBatchFileSink();
        var settings = new EmbeddingPlanSettings("lines", s_small, ProviderProfile.OpenAI with { MaxRequestsPerBatch = 100 });
        int committedWhenLastItemWasRead = -1;
        async IAsyncEnumerable<CorpusItem> Source([EnumeratorCancellation] CancellationToken ct = default)
        {
            for (int i = 0; i < 1000; i++)
            {
                await Task.Yield();
                if (i == 999)
                {
                    committedWhenLastItemWasRead = sink.Committed.Count;
                }

                yield return new CorpusItem($"i{i}", $"line {i}");
            }
        }

        var plan = await new EmbeddingBatchPlanner(settings).PlanAsync(Source(), sink);
        Assert.Equal(10, plan.Batches.Count);
        Assert.Equal(9, committedWhenLastItemWasRead);
    }

    [Fact]
    public async Task Cost_projection_uses_the_batch_price_and_azure_falls_back_to_standard()
    {
        var (plan, _) = await Plan(Items(50), new EmbeddingPlanSettings("lines", s_small, ProviderProfile.OpenAI));
        Assert.Equal(PriceTier.Batch, plan.Tier);
        Assert.Equal(plan.Tokens * 0.01m / 1_000_000m, plan.EstimatedUsd);
        Assert.Equal(plan.EstimatedUsd * 2, plan.StandardUsd);

        var (azure, _) = await Plan(Items(50), new EmbeddingPlanSettings("lines", s_small, ProviderProfile.Azure));
        Assert.Equal(PriceTier.Standard, azure.Tier);
        Assert.Equal(azure.StandardUsd, azure.EstimatedUsd);
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new EmbeddingBatchPlanner(new EmbeddingPlanSettings("Bad Name", s_small, ProviderProfile.OpenAI)));
        Assert.Throws<ArgumentException>(() => new EmbeddingBatchPlanner(new EmbeddingPlanSettings("ok", s_small, ProviderProfile.OpenAI, EncodingFormat: "int8")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmbeddingBatchPlanner(new EmbeddingPlanSettings("ok", s_small, ProviderProfile.OpenAI, MaxTokensPerBatch: 0)));
    }

    private static async IAsyncEnumerable<CorpusItem> Items(int n, int changed = -1)
    {
        for (int i = 0; i < n; i++)
        {
            await Task.Yield();
            yield return new CorpusItem($"item-{i}", i == changed ? "CHANGED TEXT" : $"AVOCADO HASS {i}.03 and some words");
        }
    }

    private static async Task<(BatchPlan Plan, MemoryBatchFileSink Sink)> Plan(IAsyncEnumerable<CorpusItem> items, EmbeddingPlanSettings settings)
    {
        var sink = new MemoryBatchFileSink();
        var plan = await new EmbeddingBatchPlanner(settings).PlanAsync(items, sink);
        return (plan, sink);
    }
}
