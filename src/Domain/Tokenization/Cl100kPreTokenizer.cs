namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+</c>
/// </summary>
internal sealed class Cl100kPreTokenizer : PreTokenizer
{
    public override int NextPieceEnd(ReadOnlySpan<byte> s, int pos)
    {
        int contraction = ContractionLength(s, pos);
        if (contraction > 0)
        {
            return pos + contraction;
        }

        int c0 = CharClass.At(s, pos, out int l0);
        if ((c0 & CharClass.Letter) != 0)
        {
            return ScanWhile(s, pos + l0, CharClass.Letter);
        }

        bool canPrefix = (c0 & (CharClass.CrLf | CharClass.Number)) == 0;
        if (canPrefix && pos + l0 < s.Length && (CharClass.At(s, pos + l0, out int l1) & CharClass.Letter) != 0)
        {
            return ScanWhile(s, pos + l0 + l1, CharClass.Letter);
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
            int end = ScanOther(s, start);
            while (end < s.Length && s[end] is (byte)'\r' or (byte)'\n')
            {
                end++;
            }

            return end;
        }

        return MatchWhiteSpace(s, pos);
    }
}
