using System.Text.Json;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="AtUtc">The orchestration's time, which names the export file.</param>
/// <param name="DryRun">Only count: write nothing and return no path.</param>
public sealed record ExportBatchSummariesInput(IReadOnlyList<string> Collections, DateTime AtUtc, bool DryRun = false);

public sealed record ExportBatchSummariesOutput(string? Path, int Count, IReadOnlyList<string> BatchIds);

/// <summary>Writes every BatchSummary of the collections to <c>exports/batch_summaries_{utc}.ndjson</c>, one per line.</summary>
public sealed class ExportBatchSummaries(BatchSummaries summaries, IBlobStore blobs) : TaskActivity<ExportBatchSummariesInput, ExportBatchSummariesOutput>
{
    public override async Task<ExportBatchSummariesOutput> RunAsync(TaskActivityContext context, ExportBatchSummariesInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var ids = new List<string>();
        if (input.DryRun)
        {
            foreach (string collection in input.Collections)
            {
                await foreach (BatchSummary s in summaries.ListAsync(collection, CancellationToken.None))
                {
                    ids.Add(s.BatchId);
                }
            }

            return new ExportBatchSummariesOutput(null, ids.Count, ids);
        }

        string path = BlobPaths.SummaryExport(input.AtUtc);
        await blobs.WriteAsync(path, async stream =>
        {
            ids.Clear();
            foreach (string collection in input.Collections)
            {
                await foreach (BatchSummary s in summaries.ListAsync(collection, CancellationToken.None))
                {
                    await JsonSerializer.SerializeAsync(stream, s, Http.ApiJson.Options);
                    stream.WriteByte((byte)'\n');
                    ids.Add(s.BatchId);
                }
            }
        }, CancellationToken.None);
        return new ExportBatchSummariesOutput(path, ids.Count, ids);
    }
}
