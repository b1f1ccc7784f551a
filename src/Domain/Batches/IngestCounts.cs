namespace BatchEmbed.Domain.Batches;

/// <summary>What ingesting a batch did to its items: embedded (or answered), sent back for another attempt, or given up on.</summary>
/// <param name="Verdicts">For a completion batch: the labels it settled, by verdict.</param>
public sealed record IngestCounts(int ItemsSucceeded, int ItemsRequeued, int ItemsFailed, long Vectors, VerdictCounts? Verdicts = null);

/// <summary>Labels settled by verdict; <see cref="GaveUp"/> counts those left NeedsReview after their last attempt failed.</summary>
public sealed record VerdictCounts(int Valid, int Invalid, int NeedsReview, int GaveUp)
{
    public static VerdictCounts Zero { get; } = new(0, 0, 0, 0);

    public VerdictCounts Add(VerdictCounts? other) => other is null ? this : new(Valid + other.Valid, Invalid + other.Invalid, NeedsReview + other.NeedsReview, GaveUp + other.GaveUp);
}
