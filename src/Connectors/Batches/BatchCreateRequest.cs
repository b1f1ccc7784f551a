namespace BatchEmbed.Connectors.Batches;

/// <summary>A batch to create. <paramref name="BatchId"/> (ours) goes into the metadata as <c>batchId</c>.</summary>
public sealed record BatchCreateRequest(string BatchId, string InputFileId, string Endpoint, IReadOnlyDictionary<string, string>? Metadata = null)
{
    public const string BatchIdKey = "batchId";
}
