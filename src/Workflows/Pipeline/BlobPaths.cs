using System.Globalization;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Where the pipeline keeps things in the blob store.</summary>
public static class BlobPaths
{
    public static string BatchInputs(string collection) => $"batches/{collection}";

    /// <summary>Results of the synchronous fallback, one part per request, in the Batch API's output format.</summary>
    public static string SyncOutputPrefix(string batchId) => $"sync-outputs/{batchId}/";

    public static string SyncOutputPart(string batchId, int part) => FormattableString.Invariant($"sync-outputs/{batchId}/part-{part:D6}.jsonl");

    public static string SummaryExport(DateTime utc) => $"exports/batch_summaries_{utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.ndjson";

    /// <summary>A migration's definition (seed 003): written once when it starts, read by every step after.</summary>
    public static string Migration(string name) => $"migrations/{name}.json";

    public const string Migrations = "migrations/";

    public static string EnrichmentReport(DateTime utc) => $"reports/enrichment_{utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.md";
}
