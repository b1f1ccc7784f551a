using System.Text;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// Encodes an item id into a table key that sorts the way the id does (UTF-8 byte order, as the SQLite store sorts):
/// base64 over an alphabet in ASCII order, unpadded, so keyset pages by key are pages by id. Every character is allowed
/// in a PartitionKey or RowKey (none of <c>/ \ # ?</c> or controls).
/// </summary>
internal static class OrderedKey
{
    private const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    private static readonly sbyte[] s_values = BuildValues();

    /// <summary>The encoding of an id: 4 characters per 3 bytes, the last group cut short rather than padded.</summary>
    public static string Encode(string id)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(id);
        var sb = new StringBuilder(((bytes.Length * 8) + 5) / 6);
        int bits = 0, buffer = 0;
        foreach (byte b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                sb.Append(Alphabet[(buffer >> bits) & 63]);
            }
        }

        if (bits > 0)
        {
            sb.Append(Alphabet[(buffer << (6 - bits)) & 63]);
        }

        return sb.ToString();
    }

    /// <summary>The id an encoding came from; throws on a character outside the alphabet.</summary>
    public static string Decode(ReadOnlySpan<char> key)
    {
        var bytes = new byte[key.Length * 6 / 8];
        int bits = 0, buffer = 0, n = 0;
        foreach (char c in key)
        {
            int v = c < s_values.Length ? s_values[c] : -1;
            if (v < 0)
            {
                throw new FormatException($"'{c}' is not a key character.");
            }

            buffer = ((buffer << 6) | v) & 0xFFFF;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (n < bytes.Length)
                {
                    bytes[n++] = (byte)(buffer >> bits);
                }
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
