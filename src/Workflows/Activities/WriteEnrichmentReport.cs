using System.Globalization;
using System.Text;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record WriteEnrichmentReportInput(
    string InstanceId, DateTime AtUtc, IReadOnlyList<SubmitEmbeddingsOutput> Submissions, IngestEmbeddingsOutput Ingest,
    SubmitEmbeddingsOutput? Validation = null, IngestCompletionsOutput? Answers = null);

/// <summary>Writes EnrichAuto's markdown report to <c>reports/enrichment_{utc}.md</c>; returns its path.</summary>
public sealed class WriteEnrichmentReport(IBlobStore blobs) : TaskActivity<WriteEnrichmentReportInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, WriteEnrichmentReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Enrichment report ({input.InstanceId})");
        md.AppendLine();
        md.AppendLine(inv, $"Finished {input.AtUtc:u}.");
        md.AppendLine();
        md.AppendLine("| Collection | Outcome | Items | Batches | Submitted | Queued | Tokens | Estimated |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (SubmitEmbeddingsOutput s in input.Validation is null ? input.Submissions : input.Submissions.Append(input.Validation))
        {
            md.AppendLine(inv, $"| {s.Collection} | {s.Outcome} | {s.Items:N0} | {s.Batches} | {s.Submitted} | {s.Queued} | {s.Tokens:N0} | {BudgetGate.Usd(s.EstimatedUsd)} |");
        }

        IngestTotals t = input.Ingest.Totals;
        md.AppendLine();
        md.AppendLine(inv, $"Ingest: {t.BatchesIngested} batch(es) over {t.Polls} poll(s); {t.ItemsSucceeded:N0} items embedded, {t.ItemsRequeued:N0} requeued, {t.ItemsFailed:N0} failed; {t.Vectors:N0} vectors; actual cost {BudgetGate.Usd(t.ActualUsd)}.");
        md.AppendLine(inv, $"Batches still open: {input.Ingest.Open}. Queued batches submitted as the enqueued-token limit freed room: {input.Ingest.Submitted}; still queued: {input.Ingest.Queued}.");
        if (input.Answers is { } a)
        {
            VerdictCounts v = a.Verdicts;
            md.AppendLine();
            md.AppendLine(inv, $"Labels ({input.Validation?.Collection}): {a.Totals.BatchesIngested} completion batch(es) ingested; {v.Valid:N0} valid, {v.Invalid:N0} invalid, {v.NeedsReview:N0} need review ({v.GaveUp:N0} after their last attempt), {a.Totals.ItemsRequeued:N0} sent back for another attempt.");
            md.AppendLine(inv, $"Completion spend: estimated {BudgetGate.Usd(input.Validation?.EstimatedUsd ?? 0)}, actual {BudgetGate.Usd(a.Totals.ActualUsd)} ({a.CompletionTokens:N0} completion tokens). Batches still open: {a.Open}; still queued: {a.Queued}.");
        }

        string path = BlobPaths.EnrichmentReport(input.AtUtc);
        await blobs.WriteAsync(path, new MemoryStream(Encoding.UTF8.GetBytes(md.ToString())), CancellationToken.None);
        return path;
    }
}
