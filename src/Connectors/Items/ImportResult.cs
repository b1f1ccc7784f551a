namespace BatchEmbed.Connectors.Items;

/// <summary>What an import did: new items, items whose text or fields changed, and items left as they were.</summary>
public sealed record ImportResult(long Imported, long Updated, long Unchanged);
