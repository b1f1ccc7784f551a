namespace BatchEmbed.Domain.Batches;

/// <summary>What ingesting a batch did to its items: embedded, sent back for another attempt, or given up on.</summary>
public sealed record IngestCounts(int ItemsSucceeded, int ItemsRequeued, int ItemsFailed, long Vectors);
