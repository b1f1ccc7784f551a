namespace BatchEmbed.Domain.Planning;

/// <summary>One <c>/v1/chat/completions</c> request for a batch.</summary>
/// <param name="ResponseFormatJson">Raw JSON for <c>response_format</c> (for example a <c>json_schema</c>), or null.</param>
public sealed record ChatRequest(
    string CustomId,
    IReadOnlyList<ChatMessage> Messages,
    string? ResponseFormatJson = null,
    int? MaxCompletionTokens = null,
    double? Temperature = null);
