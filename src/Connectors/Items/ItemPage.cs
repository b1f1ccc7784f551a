namespace BatchEmbed.Connectors.Items;

/// <summary>One keyset page of items; pass <see cref="NextCursor"/> to get the next (null at the end).</summary>
public sealed record ItemPage(IReadOnlyList<StoredItem> Items, string? NextCursor);
