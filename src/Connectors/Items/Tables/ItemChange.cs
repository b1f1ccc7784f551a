namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// What an operation does to one item, given the row as read (null: no such item): the row to write (null: leave it
/// as it is) and the outcome to count (for example imported, updated or unchanged; a negative outcome is not counted).
/// </summary>
internal delegate (ItemRow? Next, int Outcome) ItemTransform(string id, ItemRow? current);

/// <summary>One item's pending write: the row as read and the row to put in its place.</summary>
internal sealed record ItemChange(string Id, string Key, ItemRow? Current, ItemRow Next, int Outcome)
{
    /// <summary>The text, metadata or group key changes, so the whole entity is replaced, not merged.</summary>
    public bool ReplacesContent => Current is null
        || Current.Text != Next.Text || Current.Metadata != Next.Metadata || Current.GroupKey != Next.GroupKey;

    public string? OldMarker => Current is null ? null : TableLayout.Marker(Current.Status, Current.Fingerprint, Key);

    public string? NewMarker => TableLayout.Marker(Next.Status, Next.Fingerprint, Key);

    /// <summary>Entity actions this change takes in a transaction: the item, and its index row if that moves.</summary>
    public int Actions => 1 + (OldMarker == NewMarker ? 0 : (OldMarker is null ? 0 : 1) + (NewMarker is null ? 0 : 1));

    /// <summary>Bytes sent, reckoned generously (3 of UTF-8 per character, property names), to stay under the 4 MiB limit.</summary>
    public long Size => 1_024 + (ReplacesContent ? Next.WholeSize * 3 : 0);
}
