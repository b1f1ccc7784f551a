using System.Text.RegularExpressions;

namespace BatchEmbed.Connectors.Items.Tables;

/// <summary>
/// Where everything lives. One partition per collection (the partition key is the collection's name), so every change
/// to an item and its index rows commits in one entity-group transaction. Row keys, by prefix:
/// <list type="bullet">
/// <item><c>i:{key}</c>: the item (<see cref="ItemRow"/>).</item>
/// <item><c>n:{key}</c>: the sparse index of items whose status is None.</item>
/// <item><c>s:{fingerprint}:{key}</c>: items embedded under a fingerprint; an item needs embedding for fingerprint F
/// when it has an <c>n:</c> row or an <c>s:</c> row under any fingerprint but F, so finding work never reads an item
/// that is done.</item>
/// <item><c>f:{fingerprint}</c>: every fingerprint that has had <c>s:</c> rows.</item>
/// <item><c>c:{shard}</c>: item counts by status, in shards that transactions update beside their items.</item>
/// </list>
/// Pending and Failed items have no index row. <c>{key}</c> is <see cref="OrderedKey"/> of the id, so every prefix
/// range is in id order. The collections themselves are rows of the partition <see cref="CollectionsPartition"/>.
/// </summary>
internal static partial class TableLayout
{
    public const string CollectionsPartition = "!collections";

    public const int CountShards = 16;

    public const string ItemPrefix = "i:";

    public const string CountPrefix = "c:";

    public static string Item(string key) => ItemPrefix + key;

    public static string Fingerprint(string fingerprint) => "f:" + fingerprint;

    public static string CountShard(int shard) => $"{CountPrefix}{shard:D2}";

    /// <summary>The index row an item in this state has, or null (Pending, Failed).</summary>
    public static string? Marker(ItemStatus status, string? fingerprint, string key) => status switch
    {
        ItemStatus.None => "n:" + key,
        ItemStatus.Succeeded => $"s:{fingerprint}:{key}",
        _ => null,
    };

    /// <summary>The row-key prefix of the None index, or of one fingerprint's embedded index.</summary>
    public static string MarkerPrefix(string? fingerprint) => fingerprint is null ? "n:" : $"s:{fingerprint}:";

    /// <summary>The smallest row key above every key that starts with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>A fingerprint must be a short key-safe token to appear in a row key (ours are <c>fp1-</c> and 16 hex digits).</summary>
    public static string ValidateFingerprint(string fingerprint) =>
        FingerprintPattern().IsMatch(fingerprint)
            ? fingerprint
            : throw new ArgumentException($"Fingerprint '{fingerprint}' is not 1-24 letters, digits, '-' or '_'.", nameof(fingerprint));

    [GeneratedRegex("^[A-Za-z0-9_-]{1,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex FingerprintPattern();
}
