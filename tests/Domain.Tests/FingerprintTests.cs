using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Text;

namespace BatchEmbed.Domain.Tests;

public sealed class FingerprintTests
{
    [Fact]
    public void Fingerprint_is_stable_across_runs_and_releases()
    {
        // Pinned: a change here re-embeds every user's corpus, so it must be deliberate (bump the text version instead).
        Assert.Equal("fp1-4371e6cdd04b54c2", EmbeddingTarget.Create("text-embedding-3-small").Fingerprint);
    }

    [Fact]
    public void Requesting_the_default_dimensions_explicitly_gives_the_same_fingerprint()
    {
        Assert.Equal(EmbeddingTarget.Create("text-embedding-3-large").Fingerprint, EmbeddingTarget.Create("text-embedding-3-large", 3072).Fingerprint);
    }

    [Fact]
    public void Every_input_of_the_fingerprint_changes_it()
    {
        var baseline = EmbeddingTarget.Create("text-embedding-3-small");
        string[] variants =
        [
            EmbeddingTarget.Create("text-embedding-3-large").Fingerprint,
            EmbeddingTarget.Create("text-embedding-3-small", 512).Fingerprint,
            EmbeddingTarget.Create("text-embedding-3-small", null, new ChunkerSettings(1000)).Fingerprint,
            EmbeddingTarget.Create("text-embedding-3-small", null, new ChunkerSettings(1500, 0.2)).Fingerprint,
            (baseline with { NormalizationVersion = "text-v2" }).Fingerprint,
        ];
        Assert.DoesNotContain(baseline.Fingerprint, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void The_text_normalisation_version_is_part_of_every_target()
    {
        Assert.Equal(TextNormalizer.Version, EmbeddingTarget.Create("text-embedding-3-small").NormalizationVersion);
    }

    [Theory]
    [InlineData("text-embedding-ada-002", 512)]
    [InlineData("text-embedding-3-small", 4000)]
    [InlineData("text-embedding-3-small", 0)]
    public void Impossible_dimensions_are_refused(string model, int dims)
    {
        Assert.ThrowsAny<ArgumentException>(() => EmbeddingTarget.Create(model, dims));
    }

    [Fact]
    public void Content_hash_depends_on_the_text_only()
    {
        Assert.Equal(Fingerprint.ContentHash("TOTAL 12.00"), Fingerprint.ContentHash("TOTAL 12.00"));
        Assert.NotEqual(Fingerprint.ContentHash("TOTAL 12.00"), Fingerprint.ContentHash("TOTAL 12.01"));
        Assert.Equal(32, Fingerprint.ContentHash("x").Length);
    }
}
