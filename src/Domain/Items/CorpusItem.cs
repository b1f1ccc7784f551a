namespace BatchEmbed.Domain.Items;

/// <summary>One source item as imported: <c>{"id","text","groupKey"?,"metadata"?}</c>.</summary>
/// <param name="MetadataJson">The raw JSON object, kept as text so it round-trips unchanged.</param>
/// <remarks>
/// The size limits hold for every item store, so a collection can move between the embedded and the Azure stores: an
/// Azure table row key holds at most 512 UTF-16 characters (the id is encoded into one beside a short prefix) and an
/// entity at most 1 MiB (text and metadata are stored as UTF-16).
/// </remarks>
public sealed record CorpusItem(string Id, string Text, string? GroupKey = null, string? MetadataJson = null)
{
    /// <summary>Bytes of UTF-8 an id may have.</summary>
    public const int MaxIdBytes = 360;

    /// <summary>Characters a text may have (about 100,000 tokens): longer documents are split before import.</summary>
    public const int MaxTextLength = 400_000;

    /// <summary>Characters the raw metadata JSON may have.</summary>
    public const int MaxMetadataLength = 64_000;

    /// <summary>Characters a group key may have.</summary>
    public const int MaxGroupKeyLength = 1_024;
}
