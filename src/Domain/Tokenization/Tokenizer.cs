using System.Buffers;
using System.Text;

namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// Exact tiktoken BPE (<c>encode_ordinary</c>: special tokens such as <c>&lt;|endoftext|&gt;</c> are plain text).
/// Text is encoded as UTF-8 first; lone surrogates become U+FFFD, as tiktoken does with such strings.
/// Instances are immutable and thread-safe.
/// </summary>
public sealed class Tokenizer
{
    public const string Cl100kBaseName = "cl100k_base";
    public const string O200kBaseName = "o200k_base";

    private static readonly Lazy<Tokenizer> s_cl100k = new(() => new Tokenizer(Cl100kBaseName, new Cl100kPreTokenizer()));
    private static readonly Lazy<Tokenizer> s_o200k = new(() => new Tokenizer(O200kBaseName, new O200kPreTokenizer()));

    private readonly PreTokenizer _preTokenizer;
    private readonly RankTable _ranks;

    private Tokenizer(string name, PreTokenizer preTokenizer)
    {
        EncodingName = name;
        _preTokenizer = preTokenizer;
        _ranks = RankTable.LoadEmbedded(name);
    }

    public static Tokenizer Cl100kBase => s_cl100k.Value;

    public static Tokenizer O200kBase => s_o200k.Value;

    public static IReadOnlyList<string> KnownEncodings { get; } = [Cl100kBaseName, O200kBaseName];

    public string EncodingName { get; }

    /// <summary>Number of tokens in the vocabulary.</summary>
    public int VocabularySize => _ranks.Count;

    public static Tokenizer ForEncoding(string encodingName) => encodingName switch
    {
        Cl100kBaseName => Cl100kBase,
        O200kBaseName => O200kBase,
        _ => throw new ArgumentException(
            $"Unknown encoding '{encodingName}'. Known encodings: {string.Join(", ", KnownEncodings)}.", nameof(encodingName)),
    };

    public static Tokenizer ForModel(string model) => ForEncoding(ModelEncodings.EncodingFor(model));

    public int[] Encode(string text)
    {
        var tokens = new List<int>(Math.Max(4, text.Length / 3));
        WithUtf8(text, tokens, static (tok, utf8, list) => tok.EncodeUtf8(utf8, list));
        return [.. tokens];
    }

    public int CountTokens(string text)
    {
        int count = 0;
        WithUtf8(text, this, (tok, utf8, _) => count = tok.CountTokens(utf8));
        return count;
    }

    public int CountTokens(ReadOnlySpan<byte> utf8)
    {
        return EncodeCore(utf8, null, null);
    }

    /// <summary>Appends the tokens of <paramref name="utf8"/> and, if asked, each token's end offset in bytes.</summary>
    public void EncodeUtf8(ReadOnlySpan<byte> utf8, List<int> tokens, List<int>? tokenByteEnds = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        EncodeCore(utf8, tokens, tokenByteEnds);
    }

    public byte[] DecodeBytes(ReadOnlySpan<int> tokens)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(16, tokens.Length * 4));
        foreach (int token in tokens)
        {
            if (!_ranks.IsValidRank(token))
            {
                throw new ArgumentException($"Token {token} is not in the {EncodingName} vocabulary.", nameof(tokens));
            }

            buffer.Write(_ranks.GetBytes(token));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes to a string; a token sequence that ends inside a character decodes it as U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> tokens) => Encoding.UTF8.GetString(DecodeBytes(tokens));

    private int EncodeCore(ReadOnlySpan<byte> utf8, List<int>? tokens, List<int>? ends)
    {
        int count = 0;
        int pos = 0;
        int[]? rented = null;
        Span<int> parts = stackalloc int[128];
        try
        {
            while (pos < utf8.Length)
            {
                int end = _preTokenizer.NextPieceEnd(utf8, pos);
                ReadOnlySpan<byte> piece = utf8[pos..end];
                int whole = _ranks.RankOf(piece);
                if (whole != RankTable.NoRank)
                {
                    tokens?.Add(whole);
                    ends?.Add(end);
                    count++;
                }
                else
                {
                    if (piece.Length > parts.Length)
                    {
                        if (rented is not null)
                        {
                            ArrayPool<int>.Shared.Return(rented);
                        }

                        rented = ArrayPool<int>.Shared.Rent(piece.Length);
                        parts = rented;
                    }

                    int n = BytePairMerger.Merge(piece, _ranks, parts);
                    int start = 0;
                    for (int i = 0; i < n; i++)
                    {
                        int partEnd = parts[i];
                        if (tokens is not null)
                        {
                            tokens.Add(_ranks.RankOf(piece[start..partEnd]));
                        }

                        ends?.Add(pos + partEnd);
                        start = partEnd;
                    }

                    count += n;
                }

                pos = end;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }

        return count;
    }

    private delegate void Utf8Action<TState>(Tokenizer tokenizer, ReadOnlySpan<byte> utf8, TState state);

    private void WithUtf8<TState>(string text, TState state, Utf8Action<TState> action)
    {
        ArgumentNullException.ThrowIfNull(text);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 1024)
        {
            Span<byte> small = stackalloc byte[max];
            int written = Encoding.UTF8.GetBytes(text, small);
            action(this, small[..written], state);
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int written = Encoding.UTF8.GetBytes(text, buffer);
            action(this, buffer.AsSpan(0, written), state);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
