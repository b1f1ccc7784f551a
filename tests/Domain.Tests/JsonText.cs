using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BatchEmbed.Domain.Tests;

/// <summary>Reads a JSON string keeping lone-surrogate escapes (<c>\ud800</c>), which System.Text.Json refuses to unescape.</summary>
internal static class JsonText
{
    public static string ReadString(JsonElement element)
    {
        string raw = element.GetRawText();
        var sb = new StringBuilder(raw.Length);
        for (int i = 1; i < raw.Length - 1; i++)
        {
            char c = raw[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            char e = raw[++i];
            switch (e)
            {
                case 'u':
                    sb.Append((char)int.Parse(raw.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
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
