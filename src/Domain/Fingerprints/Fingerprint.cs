using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BatchEmbed.Domain.Fingerprints;

/// <summary>Stable hashes: the fingerprint of an embedding target and the content hash of a text.</summary>
public static class Fingerprint
{
    /// <summary>
    /// <c>fp1-</c> and 16 hex digits of SHA-256 over model, effective dimensions, chunker settings and normalisation
    /// version. Requesting a model's default dimensions explicitly gives the same fingerprint as omitting them.
    /// </summary>
    public static string Of(EmbeddingTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        string dims = target.EffectiveDimensions?.ToString(CultureInfo.InvariantCulture) ?? "default";
        string canonical = $"v1|model={target.Model}|dims={dims}|{target.Chunking.Describe()}|norm={target.NormalizationVersion}";
        return "fp1-" + Hex(canonical, 8);
    }

    /// <summary>32 hex digits of SHA-256 over the normalised text's UTF-8.</summary>
    public static string ContentHash(string normalizedText) => Hex(normalizedText, 16);

    private static string Hex(string value, int bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Convert.ToHexStringLower(hash[..bytes]);
    }
}
