using System.Text.Json;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Cli.Tests;

public sealed class TokensCommandTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task Writes_one_count_and_tokens_line_per_text_in_order()
    {
        await File.WriteAllTextAsync(_file, "{\"text\":\"Café Müller\"}\n{\"text\":\"<|endoftext|>\",\"extra\":1}\n{\"text\":\"lone \\ud800 surrogate\"}\n");
        CliRun run = await CliRun.Of("tokens", "--encoding", "o200k_base", "--input", _file);

        Assert.Equal(0, run.ExitCode);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        string[] texts = ["Café Müller", "<|endoftext|>", "lone \uD800 surrogate"];
        for (int i = 0; i < 3; i++)
        {
            using JsonDocument doc = JsonDocument.Parse(lines[i]);
            int[] tokens = doc.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray();
            Assert.Equal(Tokenizer.O200kBase.Encode(texts[i]), tokens);
            Assert.Equal(tokens.Length, doc.RootElement.GetProperty("count").GetInt32());
        }
    }

    [Fact]
    public async Task Bad_lines_are_reported_with_file_and_line_and_the_rest_still_run()
    {
        await File.WriteAllTextAsync(_file, "{\"text\":\"ok\"}\n{\"text\":3}\nnot json\n{\"text\":\"also ok\"}\n");
        CliRun run = await CliRun.Of("tokens", "--encoding", "cl100k_base", "--input", _file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(2, run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        string name = Path.GetFileName(_file);
        Assert.Contains($"{name}:2: \"text\" must be a string", run.Error, StringComparison.Ordinal);
        Assert.Contains($"{name}:3: malformed JSON", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_encoding_is_a_usage_error()
    {
        CliRun run = await CliRun.Of("tokens", "--encoding", "p50k_base", "--input", _file);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("p50k_base", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
