namespace BatchEmbed.Domain.Items;

/// <summary>One source item as imported: <c>{"id","text","groupKey"?,"metadata"?}</c>.</summary>
/// <param name="MetadataJson">The raw JSON object, kept as text so it round-trips unchanged.</param>
public sealed record CorpusItem(string Id, string Text, string? GroupKey = null, string? MetadataJson = null)
{
    public const int MaxIdLength = 512;
}
