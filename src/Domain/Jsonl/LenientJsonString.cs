using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BatchEmbed.Domain.Jsonl;

/// <summary>
/// Reads a JSON string value that may hold lone-surrogate escapes (<c>"\ud800"</c>). Such strings are legal JSON and
/// JavaScript writes them, but System.Text.Json refuses to unescape them; tokenizers must still accept them.
/// </summary>
public static class LenientJsonString
{
    public static string Read(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return Unescape(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan);
        }
    }

    public static string Unescape(ReadOnlySpan<byte> raw)
    {
        string s = Encoding.UTF8.GetString(raw);
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }

            char e = s[++i];
            switch (e)
            {
                case 'u' when i + 4 < s.Length:
                    sb.Append((char)int.Parse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                default: sb.Append(e); break;
            }
        }

        return sb.ToString();
    }
}
