using System.Text.RegularExpressions;

namespace BatchEmbed.Domain.Planning;

/// <summary>Collection names are lowercase letters, digits, '-' and '_', up to 64 characters, starting with a letter or digit.</summary>
public static partial class CollectionName
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Validate(string? name)
    {
        return IsValid(name)
            ? name!
            : throw new ArgumentException(
                $"Invalid collection name '{name}': use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit.",
                nameof(name));
    }

    /// <summary>What the item store keeps: a collection's name, or a migration's shadow of one (<c>{collection}~{migration}</c>).</summary>
    public static string ValidateStored(string? name) => IsValid(name) || (name is not null && Migrations.MigrationNames.IsShadow(name))
        ? name!
        : Validate(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
