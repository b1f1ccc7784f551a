namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// Splits UTF-8 text into the pieces that BPE then encodes one by one. Each implementation reproduces one
/// tiktoken <c>pat_str</c> exactly, including the backtracking behaviour of its alternatives.
/// </summary>
internal abstract class PreTokenizer
{
    /// <summary>Returns the end (exclusive) of the piece that starts at <paramref name="pos"/>.</summary>
    public abstract int NextPieceEnd(ReadOnlySpan<byte> s, int pos);

    /// <summary>Length of <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="pos"/>, or 0.</summary>
    protected static int ContractionLength(ReadOnlySpan<byte> s, int pos)
    {
        if (pos + 1 >= s.Length || s[pos] != (byte)'\'')
        {
            return 0;
        }

        byte c = (byte)(s[pos + 1] | 0x20);
        switch (c)
        {
            case (byte)'s' or (byte)'t' or (byte)'m' or (byte)'d':
                return 2;
            case (byte)'r' or (byte)'v':
                return pos + 2 < s.Length && (s[pos + 2] | 0x20) == 'e' ? 3 : 0;
            case (byte)'l':
                return pos + 2 < s.Length && (s[pos + 2] | 0x20) == 'l' ? 3 : 0;
        }

        // U+017F LATIN SMALL LETTER LONG S case-folds to 's' and so matches (?i:'s).
        return pos + 2 < s.Length && s[pos + 1] == 0xC5 && s[pos + 2] == 0xBF ? 3 : 0;
    }

    /// <summary>Advances over code points while any of <paramref name="mask"/>'s bits is set.</summary>
    protected static int ScanWhile(ReadOnlySpan<byte> s, int pos, int mask)
    {
        while (pos < s.Length && (CharClass.At(s, pos, out int len) & mask) != 0)
        {
            pos += len;
        }

        return pos;
    }

    /// <summary>Advances over <c>[^\s\p{L}\p{N}]+</c>.</summary>
    protected static int ScanOther(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && CharClass.IsOther(CharClass.At(s, pos, out int len)))
        {
            pos += len;
        }

        return pos;
    }

    /// <summary>Up to three code points of <c>\p{N}</c> starting at a number.</summary>
    protected static int ScanNumbers(ReadOnlySpan<byte> s, int pos, int firstLength)
    {
        int end = pos + firstLength;
        for (int k = 0; k < 2 && end < s.Length; k++)
        {
            if ((CharClass.At(s, end, out int len) & CharClass.Number) == 0)
            {
                break;
            }

            end += len;
        }

        return end;
    }

    /// <summary>The three shared white-space alternatives: <c>\s*[\r\n]+|\s+(?!\S)|\s+</c>.</summary>
    protected static int MatchWhiteSpace(ReadOnlySpan<byte> s, int pos)
    {
        int end = pos;
        int lastStart = pos;
        int afterLastCrLf = -1;
        int count = 0;
        while (end < s.Length)
        {
            int cls = CharClass.At(s, end, out int len);
            if ((cls & CharClass.WhiteSpace) == 0)
            {
                break;
            }

            lastStart = end;
            end += len;
            count++;
            if ((cls & CharClass.CrLf) != 0)
            {
                afterLastCrLf = end;
            }
        }

        if (afterLastCrLf >= 0)
        {
            return afterLastCrLf; // \s*[\r\n]+ backtracks to end right after the last line break of the run
        }

        if (end == s.Length || count < 2)
        {
            return end;           // \s+(?!\S) at the end of input, or \s+ for a single space before text
        }

        return lastStart;         // \s+(?!\S) leaves the last white-space character to prefix the next word
    }
}
