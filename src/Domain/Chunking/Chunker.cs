using System.Buffers;
using System.Text;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Chunking;

/// <summary>
/// Cuts a normalised text into overlapping token windows. Windows start and end on character boundaries (a token can
/// end inside a multi-byte character), cover every token in order, and are re-counted so none exceeds the limit.
/// </summary>
public sealed class Chunker
{
    private readonly Tokenizer _tokenizer;

    public Chunker(Tokenizer tokenizer, ChunkerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        _tokenizer = tokenizer;
        Settings = settings.Validate();
    }

    public ChunkerSettings Settings { get; }

    public IReadOnlyList<Chunk> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(text, utf8);
            return Split(utf8.AsSpan(0, length), text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private List<Chunk> Split(ReadOnlySpan<byte> utf8, string text)
    {
        var tokens = new List<int>(utf8.Length / 3 + 4);
        var ends = new List<int>(utf8.Length / 3 + 4);
        _tokenizer.EncodeUtf8(utf8, tokens, ends);
        int n = tokens.Count;
        if (n <= Settings.WindowTokens)
        {
            return [new Chunk(0, text, n, 0, n)];
        }

        var chunks = new List<Chunk>(n / (Settings.WindowTokens - Settings.OverlapTokens) + 2);
        int start = 0;
        while (true)
        {
            int end = Math.Min(start + Settings.WindowTokens, n);
            end = BackToCharBoundary(utf8, ends, start, end);
            Chunk chunk = Cut(utf8, ends, chunks.Count, start, ref end);
            chunks.Add(chunk);
            if (end >= n)
            {
                return chunks;
            }

            int next = end - Settings.OverlapTokens;
            while (next > start + 1 && !IsCharBoundary(utf8, ByteStart(ends, next)))
            {
                next--;
            }

            start = Math.Max(next, start + 1);
            while (start < end && !IsCharBoundary(utf8, ByteStart(ends, start)))
            {
                start++; // only when the overlap could not move back: never skips a token past the previous end
            }
        }
    }

    // Re-encodes the window's text; BPE at the cut can need a few more tokens than the slice had, so shrink until within the limit.
    private Chunk Cut(ReadOnlySpan<byte> utf8, List<int> ends, int index, int start, ref int end)
    {
        while (true)
        {
            ReadOnlySpan<byte> bytes = utf8[ByteStart(ends, start)..ends[end - 1]];
            int count = _tokenizer.CountTokens(bytes);
            if (count <= Settings.MaxInputTokens || end - start <= 1)
            {
                if (count > Settings.MaxInputTokens)
                {
                    throw new InvalidOperationException($"A single token window exceeds {Settings.MaxInputTokens} tokens.");
                }

                return new Chunk(index, Encoding.UTF8.GetString(bytes), count, start, end);
            }

            end = BackToCharBoundary(utf8, ends, start, Math.Max(start + 1, end - (count - Settings.MaxInputTokens)));
        }
    }

    private static int BackToCharBoundary(ReadOnlySpan<byte> utf8, List<int> ends, int start, int end)
    {
        int e = end;
        while (e > start + 1 && !IsCharBoundary(utf8, ends[e - 1]))
        {
            e--;
        }

        if (IsCharBoundary(utf8, ends[e - 1]))
        {
            return e;
        }

        // A character longer than the whole window (cannot happen for windows of 8+ tokens): extend forward instead.
        e = end;
        while (e < ends.Count && !IsCharBoundary(utf8, ends[e - 1]))
        {
            e++;
        }

        return e;
    }

    private static int ByteStart(List<int> ends, int token) => token == 0 ? 0 : ends[token - 1];

    private static bool IsCharBoundary(ReadOnlySpan<byte> utf8, int offset) => offset >= utf8.Length || (utf8[offset] & 0xC0) != 0x80;
}
