namespace BatchEmbed.Domain.Items;

public enum ItemLineKind
{
    /// <summary>A valid item.</summary>
    Item,

    /// <summary>A valid line whose text is empty or white space: skipped, and counted.</summary>
    EmptyText,

    /// <summary>A line that could not be read as an item; <see cref="ItemLine.Error"/> says why.</summary>
    Error,
}

/// <summary>What one NDJSON line held.</summary>
public readonly record struct ItemLine(ItemLineKind Kind, long LineNumber, CorpusItem? Item, string? Error);
