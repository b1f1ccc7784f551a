namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// <c>[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?</c>
/// <c>|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?</c>
/// <c>|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>
/// </summary>
internal sealed class O200kPreTokenizer : PreTokenizer
{
    public override int NextPieceEnd(ReadOnlySpan<byte> s, int pos)
    {
        int c0 = CharClass.At(s, pos, out int l0);
        bool canPrefix = (c0 & (CharClass.CrLf | CharClass.Letter | CharClass.Number)) == 0 && pos + l0 < s.Length;

        // Alternative 1 with, then without, the optional prefix; then alternative 2 the same way.
        int end = canPrefix ? UpperStarLowerPlus(s, pos + l0) : -1;
        if (end < 0)
        {
            end = UpperStarLowerPlus(s, pos);
        }

        if (end < 0 && canPrefix)
        {
            end = UpperPlusLowerStar(s, pos + l0);
        }

        if (end < 0)
        {
            end = UpperPlusLowerStar(s, pos);
        }

        if (end >= 0)
        {
            return end + ContractionLength(s, end);
        }

        if ((c0 & CharClass.Number) != 0)
        {
            return ScanNumbers(s, pos, l0);
        }

        int start = pos;
        if (s[pos] == (byte)' ' && pos + 1 < s.Length && CharClass.IsOther(CharClass.At(s, pos + 1, out _)))
        {
            start = pos + 1;
        }

        if (CharClass.IsOther(CharClass.At(s, start, out _)))
        {
            end = ScanOther(s, start);
            while (end < s.Length && s[end] is (byte)'\r' or (byte)'\n' or (byte)'/')
            {
                end++;
            }

            return end;
        }

        return MatchWhiteSpace(s, pos);
    }

    /// <summary>
    /// <c>U*L+</c> with the regex's greedy-then-backtrack order: all upper-like characters, then a lower-like run;
    /// failing that, give back upper-like characters until one of them is also lower-like.
    /// </summary>
    private static int UpperStarLowerPlus(ReadOnlySpan<byte> s, int pos)
    {
        int e = pos;
        int lastLowerLikeEnd = -1;
        while (e < s.Length)
        {
            int cls = CharClass.At(s, e, out int len);
            if ((cls & CharClass.UpperLike) == 0)
            {
                break;
            }

            e += len;
            if ((cls & CharClass.LowerLike) != 0)
            {
                lastLowerLikeEnd = e;
            }
        }

        if (e < s.Length && (CharClass.At(s, e, out int l) & CharClass.LowerLike) != 0)
        {
            return ScanWhile(s, e + l, CharClass.LowerLike);
        }

        return lastLowerLikeEnd;
    }

    /// <summary><c>U+L*</c>: both greedy, nothing to give back.</summary>
    private static int UpperPlusLowerStar(ReadOnlySpan<byte> s, int pos)
    {
        int e = ScanWhile(s, pos, CharClass.UpperLike);
        return e == pos ? -1 : ScanWhile(s, e, CharClass.LowerLike);
    }
}
