using System.Globalization;

namespace BatchEmbed.Domain.Planning;

/// <summary>
/// <c>{collection}|{itemId}|{chunkIndex}</c>. Collections cannot contain '|' and the chunk index is the last field, so
/// item ids may contain '|'.
/// </summary>
public readonly record struct CustomId(string Collection, string ItemId, int ChunkIndex)
{
    public override string ToString() => Format(Collection, ItemId, ChunkIndex);

    public static string Format(string collection, string itemId, int chunkIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{collection}|{itemId}|{chunkIndex}");

    public static bool TryParse(string? value, out CustomId id)
    {
        id = default;
        if (value is null)
        {
            return false;
        }

        int first = value.IndexOf('|', StringComparison.Ordinal);
        int last = value.LastIndexOf('|');
        if (first <= 0 || last <= first + 1 || last == value.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(value.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int chunk))
        {
            return false;
        }

        id = new CustomId(value[..first], value[(first + 1)..last], chunk);
        return true;
    }
}
