using System.Text;
using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Tests;

public sealed class ChunkerTests
{
    private static readonly Tokenizer s_tok = Tokenizer.Cl100kBase;

    [Fact]
    public void Short_text_makes_one_chunk_with_the_text_unchanged()
    {
        var chunks = new Chunker(s_tok, ChunkerSettings.Default).Split("GRND BEEF 80/20  43.95");
        Chunk only = Assert.Single(chunks);
        Assert.Equal("GRND BEEF 80/20  43.95", only.Text);
        Assert.Equal(s_tok.CountTokens(only.Text), only.Tokens);
    }

    [Fact]
    public void Default_windows_are_1500_tokens_with_10_percent_overlap()
    {
        string text = LongText(12_000);
        int total = s_tok.CountTokens(text);
        var chunks = new Chunker(s_tok, ChunkerSettings.Default).Split(text);
        Assert.True(chunks.Count >= total / 1500);
        foreach ((Chunk a, Chunk b) in chunks.Zip(chunks.Skip(1)))
        {
            Assert.InRange(a.EndToken - a.FirstToken, 1490, 1500);
            Assert.InRange(a.EndToken - b.FirstToken, 140, 160);
        }
    }

    [Theory]
    [InlineData("latin")]
    [InlineData("cjk")]
    [InlineData("emoji")]
    [InlineData("mixed")]
    public void Chunks_cover_every_token_in_order_on_whole_characters(string kind)
    {
        string text = kind switch
        {
            "latin" => LongText(6000),
            "cjk" => string.Concat(Enumerable.Repeat("漢字の文章を分割する。", 900)),
            "emoji" => string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦🙂🇺🇸 ", 700)),
            _ => string.Concat(Enumerable.Repeat("Crème fraîche 74.98 おにぎり 🙂 Straße ", 600)),
        };
        var settings = new ChunkerSettings(WindowTokens: 200, OverlapFraction: 0.1);
        var chunks = new Chunker(s_tok, settings).Split(text);
        int n = s_tok.CountTokens(text);

        Assert.True(chunks.Count > 3);
        Assert.Equal(0, chunks[0].FirstToken);
        Assert.Equal(n, chunks[^1].EndToken);
        int searchFrom = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            Chunk c = chunks[i];
            Assert.Equal(i, c.Index);
            Assert.DoesNotContain('\uFFFD', c.Text);
            Assert.Equal(c.Text, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(c.Text)));
            Assert.True(c.Tokens <= settings.MaxInputTokens);
            if (i > 0)
            {
                Assert.True(c.FirstToken <= chunks[i - 1].EndToken, "a gap between chunks");
                Assert.True(c.FirstToken > chunks[i - 1].FirstToken, "no progress");
            }

            int at = text.IndexOf(c.Text, searchFrom, StringComparison.Ordinal);
            Assert.True(at >= 0, $"chunk {i} is not a substring of the source after the previous chunk");
            searchFrom = at + 1;
        }
    }

    [Fact]
    public void No_chunk_exceeds_the_per_input_limit_even_when_the_window_equals_it()
    {
        var settings = new ChunkerSettings(WindowTokens: 300, OverlapFraction: 0, MaxInputTokens: 300);
        string text = string.Concat(Enumerable.Repeat("ab🙂cd漢 x", 2000));
        foreach (Chunk c in new Chunker(s_tok, settings).Split(text))
        {
            Assert.True(s_tok.CountTokens(c.Text) <= 300);
        }
    }

    [Theory]
    [InlineData(4, 0.1, 8191)]
    [InlineData(9000, 0.1, 8191)]
    [InlineData(1500, 0.9, 8191)]
    [InlineData(1500, -0.1, 8191)]
    public void Invalid_settings_are_refused_with_the_reason(int window, double overlap, int max)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ChunkerSettings(window, overlap, max).Validate());
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    internal static string LongText(int words)
    {
        string[] vocab = ["receipt", "total", "the", "grocery", "store", "paid", "with", "card", "on", "Tuesday", "avocado", "milk", "12.99", "and", "returns", "within", "30", "days"];
        var sb = new StringBuilder();
        var r = new Random(7);
        for (int i = 0; i < words; i++)
        {
            sb.Append(vocab[r.Next(vocab.Length)]).Append(i % 17 == 16 ? ".\n" : " ");
        }

        return sb.ToString();
    }
}
