using BatchEmbed.Domain.Batches;

namespace BatchEmbed.Domain.Planning;

/// <summary>The batch endpoints this product plans for. Every line's <c>url</c> equals the batch's endpoint.</summary>
public static class BatchEndpoints
{
    public const string Embeddings = "/v1/embeddings";
    public const string ChatCompletions = "/v1/chat/completions";

    /// <summary>Where batches of a kind go.</summary>
    public static string For(BatchKind kind) => kind == BatchKind.Completion ? ChatCompletions : Embeddings;
}
