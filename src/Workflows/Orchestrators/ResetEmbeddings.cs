using BatchEmbed.Workflows.Activities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Submit">The submission each collection gets afterwards (collection filled in per collection).</param>
public sealed record ResetEmbeddingsInput(IReadOnlyList<string> Collections, bool DryRun, bool SkipReset, bool SkipSubmit, SubmitEmbeddingsInput Submit);

public sealed record ResetEmbeddingsOutput(
    bool DryRun,
    string? ExportPath,
    int SummariesExported,
    int SummariesDeleted,
    IReadOnlyList<ResetItemStatusesOutput> Items,
    IReadOnlyList<SubmitEmbeddingsOutput> Submissions,
    string Message);

/// <summary>
/// Seed 000's reset and resubmit: export every BatchSummary of the collections to
/// <c>exports/batch_summaries_{utc}.ndjson</c>, delete them, reset item statuses to None, then submit each collection.
/// A dry run changes nothing: it counts the summaries it would export and the items it would reset.
/// </summary>
public sealed class ResetEmbeddings : TaskOrchestrator<ResetEmbeddingsInput, ResetEmbeddingsOutput>
{
    public override async Task<ResetEmbeddingsOutput> RunAsync(TaskOrchestrationContext context, ResetEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        string? exportPath = null;
        int exported = 0, deleted = 0;
        var items = new List<ResetItemStatusesOutput>();
        var submissions = new List<SubmitEmbeddingsOutput>();

        if (!input.SkipReset)
        {
            context.SetCustomStatus(new { phase = "exporting" });
            ExportBatchSummariesOutput export = await context.CallActivityAsync<ExportBatchSummariesOutput>(
                nameof(ExportBatchSummaries), new ExportBatchSummariesInput(input.Collections, context.CurrentUtcDateTime, input.DryRun), Retries.Local);
            exportPath = export.Path;
            exported = export.Count;
            if (!input.DryRun)
            {
                context.SetCustomStatus(new { phase = "deleting", summaries = export.Count });
                deleted = await context.CallActivityAsync<int>(nameof(DeleteBatchSummaries), export.BatchIds, Retries.Local);
            }

            foreach (string collection in input.Collections)
            {
                context.SetCustomStatus(new { phase = "resetting", collection });
                items.Add(await context.CallActivityAsync<ResetItemStatusesOutput>(
                    nameof(ResetItemStatuses), new ResetItemStatusesInput(collection, input.DryRun), Retries.Local));
            }
        }

        if (!input.SkipSubmit && !input.DryRun)
        {
            foreach (string collection in input.Collections)
            {
                context.SetCustomStatus(new { phase = "submitting", collection });
                submissions.Add(await context.CallSubOrchestratorAsync<SubmitEmbeddingsOutput>(
                    nameof(SubmitEmbeddings), input.Submit with { Collection = collection, DryRun = input.DryRun }));
            }
        }

        string message = input.DryRun
            ? $"Dry run: would export and delete {exported} batch summaries and reset {items.Sum(i => i.Before.Values.Sum())} item(s) in {input.Collections.Count} collection(s) to None{(input.SkipSubmit ? string.Empty : ", then resubmit them")}; nothing was changed."
            : $"Exported {exported} and deleted {deleted} batch summaries; reset {items.Sum(i => i.Reset)} item(s); submitted {submissions.Sum(s => s.Submitted)} batch(es).";
        context.SetCustomStatus(new { phase = "done" });
        return new ResetEmbeddingsOutput(input.DryRun, exportPath, exported, deleted, items, submissions, message);
    }
}
