using Azure;
using Azure.Data.Tables;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// An item as one table entity (row key <c>i:{key}</c>). A text or metadata longer than a string property holds (32K
/// UTF-16 characters) is split across numbered properties, never inside a surrogate pair. Bookkeeping strings are
/// written as "" rather than left out, so filters on them mean what they say.
/// </summary>
internal sealed record ItemRow(
    string Id,
    string Text,
    string? GroupKey,
    string? Metadata,
    string ContentHash,
    ItemStatus Status,
    string? Fingerprint,
    string? BatchId,
    int Attempts,
    string? LastError,
    int Chunks,
    long UpdatedAt,
    string? Outcome = null)
{
    private const int PartChars = 32_000;

    /// <summary>The ETag read with the row; null for a row not yet written.</summary>
    public ETag? ETag { get; init; }

    public static ItemRow From(TableEntity e) => new(
        e.GetString("Id"),
        Join(e, "T") ?? string.Empty,
        e.GetString("G"),
        Join(e, "M"),
        e.GetString("H") ?? string.Empty,
        (ItemStatus)(e.GetInt32("S") ?? 0),
        NullIfEmpty(e.GetString("F")),
        NullIfEmpty(e.GetString("B")),
        e.GetInt32("A") ?? 0,
        NullIfEmpty(e.GetString("E")),
        e.GetInt32("C") ?? 0,
        e.GetInt64("U") ?? 0,
        NullIfEmpty(e.GetString("O")))
    {
        ETag = e.ETag,
    };

    /// <summary>The whole entity: texts, metadata and bookkeeping.</summary>
    public TableEntity ToEntity(string partition, string rowKey)
    {
        TableEntity e = Bookkeeping(partition, rowKey);
        e["Id"] = Id;
        Split(e, "T", Text);
        if (Metadata is not null)
        {
            Split(e, "M", Metadata);
        }

        if (GroupKey is not null)
        {
            e["G"] = GroupKey;
        }

        e["H"] = ContentHash;
        return e;
    }

    /// <summary>Only the properties that change with the status, for a merge that leaves the text alone.</summary>
    public TableEntity Bookkeeping(string partition, string rowKey) => new(partition, rowKey)
    {
        ["S"] = (int)Status,
        ["F"] = Fingerprint ?? string.Empty,
        ["B"] = BatchId ?? string.Empty,
        ["A"] = Attempts,
        ["E"] = LastError ?? string.Empty,
        ["C"] = Chunks,
        ["U"] = UpdatedAt,
        ["O"] = Outcome ?? string.Empty,
    };

    /// <summary>Characters this row sends when written whole: what a transaction's size is reckoned from.</summary>
    public long WholeSize => Text.Length + (Metadata?.Length ?? 0) + (GroupKey?.Length ?? 0) + Id.Length + (Outcome?.Length ?? 0);

    public StoredItem ToStoredItem(string collection) => new(
        collection, Id, Text, GroupKey, Metadata, ContentHash, Status, Fingerprint, BatchId, Attempts, LastError,
        DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt), Outcome, Chunks);

    private static void Split(TableEntity e, string prefix, string value)
    {
        int part = 0;
        for (int start = 0; start < value.Length || part == 0; part++)
        {
            int length = Math.Min(PartChars, value.Length - start);
            if (length == PartChars && char.IsHighSurrogate(value[start + length - 1]))
            {
                length--;
            }

            e[prefix + part] = value.Substring(start, length);
            start += length;
        }
    }

    private static string? Join(TableEntity e, string prefix)
    {
        if (e.GetString(prefix + "0") is not { } first)
        {
            return null;
        }

        var parts = new List<string> { first };
        for (int part = 1; e.GetString(prefix + part) is { } next; part++)
        {
            parts.Add(next);
        }

        return string.Concat(parts);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
