using System.Text;
using BatchEmbed.Domain.Items;

namespace BatchEmbed.Domain.Tests;

public sealed class ItemIdOrderTests
{
    [Fact]
    public void Ids_compare_as_their_utf8_bytes_do_where_utf16_order_differs()
    {
        string[] ids = ["a", "ab", "a/1", "a/10", "a/2", "é", "\uFF21", "😀", "中文", "a😀", "a\uFFFD", "", "A", "~"];
        foreach (string x in ids)
        {
            foreach (string y in ids)
            {
                int bytes = Math.Sign(Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y)));
                Assert.True(bytes == Math.Sign(ItemIdOrder.Compare(x, y)), $"'{x}' vs '{y}'");
            }
        }

        Assert.True(string.CompareOrdinal("😀", "\uFF21") < 0); // UTF-16 puts the surrogate pair first
        Assert.True(ItemIdOrder.Compare("😀", "\uFF21") > 0);  // the stores do not
    }
}
