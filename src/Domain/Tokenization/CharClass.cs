using System.Globalization;
using System.Text;

namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// Classifies code points into the character classes the tiktoken patterns use. Works on UTF-8 so that
/// supplementary-plane characters are one code point, as in tiktoken's regex engine (a UTF-16 regex would see
/// two surrogates and split letters like U+20000 from the word around them).
/// </summary>
internal static class CharClass
{
    public const int WhiteSpace = 1;      // \s: the Unicode White_Space property
    public const int CrLf = 2;            // [\r\n]
    public const int Letter = 4;          // \p{L}
    public const int Number = 8;          // \p{N}
    public const int UpperLike = 16;      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    public const int LowerLike = 32;      // [\p{Ll}\p{Lm}\p{Lo}\p{M}]

    private static readonly byte[] s_ascii = BuildAscii();

    /// <summary>Returns the class bits of the code point at <paramref name="pos"/> and its length in bytes.</summary>
    public static int At(ReadOnlySpan<byte> s, int pos, out int length)
    {
        byte b = s[pos];
        if (b < 0x80)
        {
            length = 1;
            return s_ascii[b];
        }

        // Invalid sequences decode as U+FFFD (a symbol), the same as tiktoken's lossy handling of bad input.
        Rune.DecodeFromUtf8(s[pos..], out Rune rune, out length);
        return OfRune(rune);
    }

    /// <summary>True for a character that is neither white space, a letter nor a number: <c>[^\s\p{L}\p{N}]</c>.</summary>
    public static bool IsOther(int cls) => (cls & (WhiteSpace | Letter | Number)) == 0;

    private static int OfRune(Rune rune)
    {
        if (Rune.IsWhiteSpace(rune))
        {
            return WhiteSpace;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Letter | UpperLike,
            UnicodeCategory.LowercaseLetter => Letter | LowerLike,
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Letter | UpperLike | LowerLike,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                => UpperLike | LowerLike,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
            _ => 0,
        };
    }

    private static byte[] BuildAscii()
    {
        var table = new byte[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = (byte)OfRune(new Rune(c));
            if (c is '\r' or '\n')
            {
                table[c] |= CrLf;
            }
        }

        return table;
    }
}
