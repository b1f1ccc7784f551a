using BatchEmbed.Domain.Text;

namespace BatchEmbed.Domain.Tests;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("a\r\nb\rc\n", "a\nb\nc")]
    [InlineData("  padded\t", "padded")]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("👍🏽", "👍🏽")]
    public void Normalize_applies_the_v1_rules(string input, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(input));
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters_and_pairs_stay()
    {
        Assert.Equal("x\uFFFDy\uFFFD\U0001F600", TextNormalizer.Normalize("x\uD800y\uDC00\U0001F600"));
    }
}
