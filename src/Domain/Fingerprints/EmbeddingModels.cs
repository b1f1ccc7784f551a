namespace BatchEmbed.Domain.Fingerprints;

/// <summary>Facts about OpenAI embedding models that the pipeline needs.</summary>
public static class EmbeddingModels
{
    public const string TextEmbedding3Small = "text-embedding-3-small";
    public const string TextEmbedding3Large = "text-embedding-3-large";
    public const string TextEmbeddingAda002 = "text-embedding-ada-002";

    /// <summary>The default vector length, or null when the model is not known (an Azure deployment name, say).</summary>
    public static int? DefaultDimensions(string model) => model switch
    {
        TextEmbedding3Small => 1536,
        TextEmbedding3Large => 3072,
        TextEmbeddingAda002 => 1536,
        _ => null,
    };

    /// <summary>Whether the model accepts the <c>dimensions</c> parameter (text-embedding-3 and later).</summary>
    public static bool SupportsDimensions(string model) => !string.Equals(model, TextEmbeddingAda002, StringComparison.Ordinal);
}
