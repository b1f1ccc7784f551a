using System.Text.Json;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Domain.Tests;

public sealed class ChatBatchPlannerTests
{
    [Fact]
    public async Task Chat_requests_become_chat_completion_lines_with_the_response_format_kept()
    {
        const string schema = """{"type":"json_schema","json_schema":{"name":"verdict","schema":{"type":"object","properties":{"verdict":{"type":"string"}}}}}""";
        var requests = Enumerable.Range(0, 5).Select(i => new ChatRequest(
            $"labels|receipt-{i}",
            [new ChatMessage("system", "You validate receipt labels."), new ChatMessage("user", $"Is 'TOTAL' a GRAND_TOTAL on receipt {i}?")],
            schema,
            MaxCompletionTokens: 100));
        var sink = new MemoryBatchFileSink();
        var planner = new ChatBatchPlanner(new ChatPlanSettings("labels", "gpt-4o-mini", ProviderProfile.OpenAI with { MaxRequestsPerBatch = 3 }));
        var plan = await planner.PlanAsync(requests.ToAsyncEnumerable(), sink);

        Assert.Equal([3, 2], plan.Batches.Select(b => b.Requests));
        JsonElement line = sink.Lines(0)[0];
        Assert.Equal("/v1/chat/completions", line.GetProperty("url").GetString());
        JsonElement body = line.GetProperty("body");
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal("json_schema", body.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal(100, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(2, body.GetProperty("messages").GetArrayLength());
        Assert.StartsWith("cmp-labels-", plan.Batches[0].BatchId, StringComparison.Ordinal);

        long prompt = plan.Tokens;
        decimal expected = (prompt * 0.075m + 5 * 100 * 0.30m) / 1_000_000m;
        Assert.Equal(expected, plan.EstimatedUsd);
    }
}
