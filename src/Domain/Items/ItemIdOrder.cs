using System.Text;

namespace BatchEmbed.Domain.Items;

/// <summary>
/// The order every item store keeps ids in: by their UTF-8 bytes, which is Unicode code point order. Unlike
/// <see cref="string.CompareOrdinal(string, string)"/> (UTF-16 units) it puts letters beyond the BMP after U+E000–U+FFFF.
/// Compares without allocating.
/// </summary>
public static class ItemIdOrder
{
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                i++;
                j++;
                continue;
            }

            Rune.DecodeFromUtf16(a.AsSpan(i), out Rune x, out _);
            Rune.DecodeFromUtf16(b.AsSpan(j), out Rune y, out _);
            return x.Value.CompareTo(y.Value);
        }

        return (a.Length - i).CompareTo(b.Length - j);
    }
}
