using System.Text;

namespace BatchEmbed.Domain.Text;

/// <summary>
/// The text normalisation applied before hashing, chunking and embedding. Its <see cref="Version"/> is part of the
/// fingerprint, so changing the rules here re-embeds everything: bump the version when you do.
/// </summary>
public static class TextNormalizer
{
    /// <summary>v1: lone surrogates to U+FFFD, CRLF and CR to LF, Unicode NFC, trimmed.</summary>
    public const string Version = "text-v1";

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = ReplaceLoneSurrogates(text);
        if (s.Contains('\r', StringComparison.Ordinal))
        {
            s = s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (!s.IsNormalized(NormalizationForm.FormC))
        {
            s = s.Normalize(NormalizationForm.FormC);
        }

        return s.Trim();
    }

    private static string ReplaceLoneSurrogates(string text)
    {
        int i = 0;
        for (; i < text.Length; i++)
        {
            if (char.IsSurrogate(text[i]))
            {
                break;
            }
        }

        if (i == text.Length)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else
            {
                sb.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return sb.ToString();
    }
}
