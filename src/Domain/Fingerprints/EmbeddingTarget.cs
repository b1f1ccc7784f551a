using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Text;

namespace BatchEmbed.Domain.Fingerprints;

/// <summary>Everything that changes a vector. Two targets with the same <see cref="Fingerprint"/> give the same vectors.</summary>
/// <param name="Model">The provider model, or for Azure the deployment name.</param>
/// <param name="Dimensions">Requested dimensions, or null for the model's default.</param>
/// <param name="Chunking">Token windows.</param>
/// <param name="NormalizationVersion">Text normalisation rules in force.</param>
public sealed record EmbeddingTarget(string Model, int? Dimensions, ChunkerSettings Chunking, string NormalizationVersion)
{
    public static EmbeddingTarget Create(string model, int? dimensions = null, ChunkerSettings? chunking = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (dimensions is < 1 or > 16_384)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "Dimensions must be between 1 and 16384.");
        }

        if (dimensions is not null && !EmbeddingModels.SupportsDimensions(model))
        {
            throw new ArgumentException($"Model '{model}' does not accept a dimensions parameter.", nameof(dimensions));
        }

        int? max = EmbeddingModels.DefaultDimensions(model);
        if (dimensions is not null && max is not null && dimensions > max)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"Model '{model}' gives at most {max} dimensions.");
        }

        return new EmbeddingTarget(model, dimensions, (chunking ?? ChunkerSettings.Default).Validate(), TextNormalizer.Version);
    }

    /// <summary>The vector length to expect: the requested dimensions or the model's default, if known.</summary>
    public int? EffectiveDimensions => Dimensions ?? EmbeddingModels.DefaultDimensions(Model);

    public string Fingerprint => Fingerprints.Fingerprint.Of(this);
}
