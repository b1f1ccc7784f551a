namespace BatchEmbed.Domain.Migrations;

/// <summary>One check of a migration's verification: what was measured, against what, and whether it passed.</summary>
public sealed record VerifyCheck(string Name, bool Passed, string Detail);

/// <summary>The overlap of one sample query's top-k between the source index and the target.</summary>
public sealed record QueryOverlap(string ItemId, double Overlap);

/// <summary>
/// A migration's verification (seed 003): every check with its detail, the sample queries' top-k overlap, and the
/// thresholds it was held to. It passes only when every check does.
/// </summary>
public sealed record VerifyReport(
    DateTimeOffset At,
    bool Passed,
    IReadOnlyList<VerifyCheck> Checks,
    IReadOnlyList<QueryOverlap> Queries,
    double MeanOverlap,
    double MinOverlap,
    int K,
    string SourceIndex,
    string TargetIndex)
{
    public static VerifyReport Of(DateTimeOffset at, IReadOnlyList<VerifyCheck> checks, IReadOnlyList<QueryOverlap> queries, double minOverlap, int k, string source, string target)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(queries);
        double mean = queries.Count == 0 ? 0 : queries.Average(q => q.Overlap);
        var all = checks.Append(new VerifyCheck(
            "top-k overlap",
            queries.Count > 0 && mean >= minOverlap,
            queries.Count == 0
                ? "no sample query could be run"
                : $"mean overlap@{k} {mean:0.000} over {queries.Count} sample queries, by text found (at least {minOverlap:0.00} required; lowest {queries.Min(q => q.Overlap):0.000})")).ToList();
        return new VerifyReport(at, all.TrueForAll(c => c.Passed), all, queries, mean, minOverlap, k, source, target);
    }
}
