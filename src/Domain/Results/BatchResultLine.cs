namespace BatchEmbed.Domain.Results;

/// <summary>One line of a batch output or error file.</summary>
/// <param name="Embeddings">The vectors of an embeddings response, in input order (one per input).</param>
/// <param name="Content">The first choice's message content of a chat response.</param>
/// <param name="FinishReason">The first choice's <c>finish_reason</c> (<c>stop</c>, <c>length</c>, ...).</param>
/// <param name="Refusal">The first choice's <c>refusal</c>, when the model declined.</param>
public sealed record BatchResultLine(
    long LineNumber,
    ResultLineKind Kind,
    string? CustomId,
    int? StatusCode,
    IReadOnlyList<float[]> Embeddings,
    string? Content,
    string? ErrorCode,
    string? ErrorMessage,
    long PromptTokens,
    long CompletionTokens,
    string? FinishReason = null,
    string? Refusal = null);
