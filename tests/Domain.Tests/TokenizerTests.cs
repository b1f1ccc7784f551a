using System.Reflection;
using System.Text;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Tests;

public sealed class TokenizerTests
{
    public static TheoryData<string> Encodings => new() { Tokenizer.Cl100kBaseName, Tokenizer.O200kBaseName };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Encode_then_decode_restores_the_utf8_of_any_text(string encoding)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encoding);
        var random = new Random(1234);
        for (int i = 0; i < 300; i++)
        {
            string text = RandomText(random, random.Next(0, 400));
            int[] tokens = tokenizer.Encode(text);
            Assert.Equal(Encoding.UTF8.GetBytes(text), tokenizer.DecodeBytes(tokens));
            Assert.Equal(tokens.Length, tokenizer.CountTokens(text));
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Lone_surrogates_encode_as_the_replacement_character(string encoding)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encoding);
        Assert.Equal(tokenizer.Encode("a\uFFFDb\uFFFD"), tokenizer.Encode("a\uD800b\uDC00"));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Special_token_text_is_encoded_as_ordinary_text(string encoding)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encoding);
        int[] tokens = tokenizer.Encode("<|endoftext|>");
        Assert.True(tokens.Length > 1);
        Assert.DoesNotContain(encoding == Tokenizer.Cl100kBaseName ? 100257 : 199999, tokens);
        Assert.Equal("<|endoftext|>", tokenizer.Decode(tokens));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void The_heap_merge_picks_the_same_pairs_as_the_linear_merge(string encoding)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encoding);
        var ranks = (RankTable)typeof(Tokenizer).GetField("_ranks", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(tokenizer)!;
        var random = new Random(99);
        string[] words = ["receipt", "total", "ñandú", "Straße", "数据", "embedding", "zz", "qx", "aaaa", "🙂", "ab", "tion"];
        for (int i = 0; i < 200; i++)
        {
            var sb = new StringBuilder();
            int target = random.Next(30, 90);
            while (sb.Length < target)
            {
                sb.Append(words[random.Next(words.Length)]);
            }

            byte[] piece = Encoding.UTF8.GetBytes(sb.ToString());
            var linear = new int[piece.Length];
            var heap = new int[piece.Length];
            int n1 = BytePairMerger.MergeLinear(piece, ranks, linear);
            int n2 = BytePairMerger.MergeHeap(piece, ranks, heap);
            Assert.Equal(linear.AsSpan(0, n1).ToArray(), heap.AsSpan(0, n2).ToArray());
        }
    }

    [Fact]
    public void A_very_long_run_of_one_letter_encodes_and_round_trips()
    {
        string text = new('x', 200_000);
        int[] tokens = Tokenizer.Cl100kBase.Encode(text);
        Assert.Equal(text, Tokenizer.Cl100kBase.Decode(tokens));
        Assert.True(tokens.Length < text.Length / 4, $"{tokens.Length} tokens for 200,000 x's");
    }

    [Theory]
    [InlineData("text-embedding-3-small", Tokenizer.Cl100kBaseName)]
    [InlineData("text-embedding-3-large", Tokenizer.Cl100kBaseName)]
    [InlineData("gpt-4o-mini", Tokenizer.O200kBaseName)]
    [InlineData("gpt-4.1-mini-2025-04-14", Tokenizer.O200kBaseName)]
    [InlineData("gpt-4", Tokenizer.Cl100kBaseName)]
    public void ForModel_maps_models_to_their_encoding(string model, string encoding)
    {
        Assert.Equal(encoding, Tokenizer.ForModel(model).EncodingName);
    }

    [Fact]
    public void ForModel_with_an_unknown_model_explains_what_to_do()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tokenizer.ForModel("my-azure-deployment"));
        Assert.Contains("give the encoding explicitly", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decoding_an_unknown_token_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => Tokenizer.Cl100kBase.DecodeBytes([int.MaxValue]));
    }

    private static string RandomText(Random random, int length)
    {
        (int Lo, int Hi)[] ranges =
        [
            (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0x09, 0x0D), (0xA0, 0x24F), (0x300, 0x36F), (0x400, 0x4FF),
            (0x600, 0x6FF), (0x900, 0x97F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAD00), (0x1F300, 0x1F64F),
            (0x20000, 0x200FF), (0x1D400, 0x1D4FF), (0x2000, 0x206F), (0xD800, 0xDFFF),
        ];
        var sb = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++)
        {
            (int lo, int hi) = ranges[random.Next(ranges.Length)];
            int cp = random.Next(lo, hi + 1);
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                sb.Append((char)cp); // a lone surrogate
            }
            else
            {
                sb.Append(char.ConvertFromUtf32(cp));
            }
        }

        return sb.ToString();
    }
}
