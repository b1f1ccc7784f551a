using BatchEmbed.Domain.Items;

namespace BatchEmbed.Connectors.Items;

/// <summary>An item as stored, with its embedding bookkeeping.</summary>
/// <param name="Outcome">The answer a completion batch settled the item with (JSON), for items that are judged, not embedded.</param>
public sealed record StoredItem(
    string Collection,
    string Id,
    string Text,
    string? GroupKey,
    string? MetadataJson,
    string ContentHash,
    ItemStatus Status,
    string? Fingerprint,
    string? BatchId,
    int Attempts,
    string? LastError,
    DateTimeOffset UpdatedAt,
    string? Outcome = null,
    int Chunks = 0)
{
    /// <summary>The item as the planner and an import take it.</summary>
    public CorpusItem ToCorpusItem() => new(Id, Text, GroupKey, MetadataJson);
}
