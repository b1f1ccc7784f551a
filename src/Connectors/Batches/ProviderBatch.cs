namespace BatchEmbed.Connectors.Batches;

/// <summary>A provider batch as read from the raw response (the SDK keeps status and counts internal).</summary>
public sealed record ProviderBatch(
    string Id,
    string Status,
    string Endpoint,
    string InputFileId,
    string? OutputFileId,
    string? ErrorFileId,
    int Total,
    int Completed,
    int Failed,
    long? InputTokens,
    long? OutputTokens,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<ProviderBatchError> Errors,
    DateTimeOffset CreatedAt)
{
    public string? BatchId => Metadata.GetValueOrDefault(BatchCreateRequest.BatchIdKey);

    public bool IsTerminal => Status is "completed" or "failed" or "expired" or "cancelled";
}

/// <summary>One of a failed batch's validation errors.</summary>
public sealed record ProviderBatchError(string Code, string Message, int? Line);
