namespace BatchEmbed.Connectors.Items;

/// <summary>A page of items by id: after <see cref="AfterId"/> (exclusive) up to <see cref="LastId"/> (inclusive).</summary>
public sealed record ItemRange(string? AfterId, string LastId, int Count);
