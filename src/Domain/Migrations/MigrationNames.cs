using System.Text.RegularExpressions;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Domain.Migrations;

/// <summary>
/// A migration's name and the collection that tracks its items (seed 003). The shadow collection
/// <c>{collection}~{name}</c> holds a copy of each source item with the migration's own status and fingerprint, so the
/// migration and the collection's own pipeline never claim each other's items. Its name cannot be a user's collection
/// (they have no '~'), and its vectors are keyed and indexed under the source collection's name.
/// </summary>
public static partial class MigrationNames
{
    public const char Separator = '~';

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Validate(string? name) => IsValid(name)
        ? name!
        : throw new ArgumentException($"Invalid migration name '{name}': use 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit.", nameof(name));

    /// <summary>The shadow collection of migration <paramref name="name"/> of <paramref name="collection"/>.</summary>
    public static string Shadow(string collection, string name) => $"{CollectionName.Validate(collection)}{Separator}{Validate(name)}";

    /// <summary>Reads a shadow collection's source collection and migration name; false for any other collection.</summary>
    public static bool TryParseShadow(string collection, out string source, out string name)
    {
        ArgumentNullException.ThrowIfNull(collection);
        int at = collection.IndexOf(Separator, StringComparison.Ordinal);
        source = at < 0 ? collection : collection[..at];
        name = at < 0 ? string.Empty : collection[(at + 1)..];
        return at > 0 && CollectionName.IsValid(source) && IsValid(name);
    }

    public static bool IsShadow(string collection) => TryParseShadow(collection, out _, out _);

    /// <summary>The collection whose name keys a collection's vectors and names its index: a shadow's source, else itself.</summary>
    public static string VectorCollection(string collection) => TryParseShadow(collection, out string source, out _) ? source : collection;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
