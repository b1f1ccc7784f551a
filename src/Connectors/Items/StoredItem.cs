namespace BatchEmbed.Connectors.Items;

/// <summary>An item as stored, with its embedding bookkeeping.</summary>
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
    DateTimeOffset UpdatedAt);
