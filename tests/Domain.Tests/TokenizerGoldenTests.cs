using System.Text.Json;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Tests;

public sealed class TokenizerGoldenTests
{
    public static TheoryData<string, string> GoldenFiles => new()
    {
        { "cl100k_base.golden.jsonl", Tokenizer.Cl100kBaseName },
        { "o200k_base.golden.jsonl", Tokenizer.O200kBaseName },
    };

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Every_public_golden_vector_matches_token_for_token(string file, string encoding)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encoding);
        int checkedCount = 0;
        var mismatches = new List<string>();
        foreach (GoldenVector v in GoldenVector.Load(file))
        {
            int[] actual = tokenizer.Encode(v.Text);
            if (!actual.SequenceEqual(v.Tokens))
            {
                mismatches.Add($"{v.Id}: expected [{string.Join(",", v.Tokens)}] got [{string.Join(",", actual)}]");
            }

            Assert.Equal(v.Count, tokenizer.CountTokens(v.Text));
            checkedCount++;
        }

        Assert.Equal(176, checkedCount);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Every_edge_case_vector_matches_the_reference_tiktoken()
    {
        var mismatches = new List<string>();
        int checkedCount = 0;
        foreach (GoldenVector v in GoldenVector.Load("edge-cases.golden.jsonl"))
        {
            Tokenizer tokenizer = Tokenizer.ForEncoding(v.Encoding!);
            int[] actual = tokenizer.Encode(v.Text);
            if (!actual.SequenceEqual(v.Tokens))
            {
                mismatches.Add($"{v.Id}: expected [{string.Join(",", v.Tokens.Take(20))}] got [{string.Join(",", actual.Take(20))}]");
            }

            checkedCount++;
        }

        Assert.True(checkedCount >= 50, $"only {checkedCount} edge vectors were read");
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Decode_of_golden_tokens_restores_the_utf8_text()
    {
        foreach (GoldenVector v in GoldenVector.Load("o200k_base.golden.jsonl").Concat(GoldenVector.Load("cl100k_base.golden.jsonl")))
        {
            Tokenizer tokenizer = v.Id.StartsWith("o200k", StringComparison.Ordinal) ? Tokenizer.O200kBase : Tokenizer.Cl100kBase;
            Assert.Equal(v.Text, tokenizer.Decode(v.Tokens));
        }
    }

    private static string ReadText(JsonElement text)
    {
        string raw = text.GetRawText();
        return BatchEmbed.Domain.Jsonl.LenientJsonString.Unescape(System.Text.Encoding.UTF8.GetBytes(raw[1..^1]));
    }

    internal sealed record GoldenVector(string Id, string? Encoding, string Text, int Count, int[] Tokens)
    {
        public static IEnumerable<GoldenVector> Load(string file)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Golden", file);
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement root = doc.RootElement;
                yield return new GoldenVector(
                    root.GetProperty("id").GetString()!,
                    root.TryGetProperty("encoding", out JsonElement e) ? e.GetString() : null,
                    ReadText(root.GetProperty("text")),
                    root.GetProperty("count").GetInt32(),
                    root.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()).ToArray());
            }
        }
    }
}
