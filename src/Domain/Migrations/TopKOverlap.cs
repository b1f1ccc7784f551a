namespace BatchEmbed.Domain.Migrations;

/// <summary>How far two top-k result lists agree: the share of the first list's ids that the second also returned.</summary>
public static class TopKOverlap
{
    /// <summary>|A ∩ B| / |A| over distinct ids (1 when both are empty, 0 when only the second is).</summary>
    public static double Of(IReadOnlyCollection<string> expected, IReadOnlyCollection<string> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var a = expected.ToHashSet(StringComparer.Ordinal);
        if (a.Count == 0)
        {
            return actual.Count == 0 ? 1 : 0;
        }

        return (double)actual.Distinct(StringComparer.Ordinal).Count(a.Contains) / a.Count;
    }
}
