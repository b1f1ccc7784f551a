namespace BatchEmbed.Domain.Batches;

/// <summary>The provider's <c>request_counts</c>.</summary>
public sealed record RequestCounts(int Total, int Completed, int Failed);
