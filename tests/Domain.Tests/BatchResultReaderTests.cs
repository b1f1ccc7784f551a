using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.Domain.Tests;

public sealed class BatchResultReaderTests
{
    [Fact]
    public async Task Float_and_base64_embeddings_decode_to_the_same_vector()
    {
        float[] vector = [0.125f, -0.5f, 1e-7f, 0.33333334f, -0.0078125f];
        string floats = string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string b64 = Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan()));
        string file =
            OkLine("lines|a|0", $"[{floats}]", 7) + "\n" +
            OkLine("lines|b|0", $"\"{b64}\"", 9) + "\r\n";

        var lines = await Read(file);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.Equal(ResultLineKind.Success, l.Kind));
        Assert.Equal(vector, lines[0].Embeddings[0]);
        Assert.Equal(vector, lines[1].Embeddings[0]);
        Assert.Equal(7, lines[0].PromptTokens);
        Assert.Equal("lines|b|0", lines[1].CustomId);
    }

    [Fact]
    public async Task Error_lines_carry_code_and_message_from_either_shape()
    {
        string file =
            """{"id":"batch_req_1","custom_id":"lines|x|0","response":null,"error":{"code":"batch_expired","message":"This request could not be executed before the completion window expired."}}""" + "\n" +
            """{"id":"batch_req_2","custom_id":"lines|y|0","response":{"status_code":400,"request_id":"r","body":{"error":{"message":"Input too long","type":"invalid_request_error","param":null,"code":"context_length_exceeded"}}},"error":null}""" + "\n";
        var lines = await Read(file);
        Assert.Equal(("batch_expired", ResultLineKind.Error), (lines[0].ErrorCode, lines[0].Kind));
        Assert.Equal(("context_length_exceeded", 400), (lines[1].ErrorCode, lines[1].StatusCode));
        Assert.Equal("Input too long", lines[1].ErrorMessage);
    }

    [Fact]
    public async Task Chat_content_and_usage_are_read()
    {
        string line = """{"id":"r","custom_id":"labels|1","response":{"status_code":200,"body":{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{\"verdict\":\"valid\"}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":52,"completion_tokens":6,"total_tokens":58}}},"error":null}""";
        var result = Assert.Single(await Read(line));
        Assert.Equal("{\"verdict\":\"valid\"}", result.Content);
        Assert.Equal((52L, 6L), (result.PromptTokens, result.CompletionTokens));
        Assert.Empty(result.Embeddings);
    }

    [Fact]
    public async Task Malformed_lines_are_reported_with_their_line_number_and_reading_continues()
    {
        string file = "{not json\n\n" + """{"response":{"status_code":200,"body":{}}}""" + "\n" + OkLine("c|ok|0", "[1,2]", 1) + "\n" + """{"custom_id":"c|bad|0","response":{"status_code":200,"body":{"data":[{"embedding":[1,"x"]}]}}}""";
        var lines = await Read(file);
        Assert.Equal([ResultLineKind.Malformed, ResultLineKind.Malformed, ResultLineKind.Success, ResultLineKind.Malformed], lines.Select(l => l.Kind));
        Assert.Equal([1L, 3L, 4L, 5L], lines.Select(l => l.LineNumber));
        Assert.Contains("custom_id", lines[1].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_large_file_streams_through_small_reads_with_every_line_intact()
    {
        var sb = new StringBuilder();
        var random = new Random(5);
        var expected = new List<float[]>();
        for (int i = 0; i < 2000; i++)
        {
            float[] v = Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray();
            expected.Add(v);
            sb.Append(OkLine($"c|{i}|0", "[" + string.Join(",", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]", 3)).Append('\n');
        }

        var lines = new List<BatchResultLine>();
        await foreach (var l in BatchResultReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(sb.ToString()), 997)))
        {
            lines.Add(l);
        }

        Assert.Equal(2000, lines.Count);
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(expected[i], lines[i].Embeddings[0]);
        }
    }

    internal static string OkLine(string customId, string embeddingJson, int tokens) =>
        "{\"id\":\"batch_req_x\",\"custom_id\":\"" + customId + "\",\"response\":{\"status_code\":200,\"request_id\":\"req\",\"body\":{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + embeddingJson +
        "}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":" + tokens.ToString(CultureInfo.InvariantCulture) + ",\"total_tokens\":" + tokens.ToString(CultureInfo.InvariantCulture) + "}}},\"error\":null}";

    private static async Task<List<BatchResultLine>> Read(string content)
    {
        var list = new List<BatchResultLine>();
        await foreach (var l in BatchResultReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(content))))
        {
            list.Add(l);
        }

        return list;
    }
}
