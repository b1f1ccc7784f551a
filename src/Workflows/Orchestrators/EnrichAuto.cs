using BatchEmbed.Workflows.Activities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Collections">The collections to enrich; empty means every collection with items.</param>
public sealed record EnrichAutoInput(IReadOnlyList<string> Collections, SubmitEmbeddingsInput Submit, IngestEmbeddingsInput Ingest, double DeadlineHours = 26);

public sealed record EnrichAutoOutput(IReadOnlyList<SubmitEmbeddingsOutput> Submissions, IngestEmbeddingsOutput Ingest, string ReportPath);

/// <summary>
/// Seed 002's <c>--auto</c>: submit every collection, then ingest on durable timers until every batch is terminal or
/// the deadline (26 h, the completion window plus slack) passes, then write a markdown report to the blob store.
/// </summary>
public sealed class EnrichAuto : TaskOrchestrator<EnrichAutoInput, EnrichAutoOutput>
{
    public override async Task<EnrichAutoOutput> RunAsync(TaskOrchestrationContext context, EnrichAutoInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        IReadOnlyList<string> collections = input.Collections.Count > 0
            ? input.Collections
            : await context.CallActivityAsync<IReadOnlyList<string>>(nameof(ListCollections), null, Retries.Local);

        var submissions = new List<SubmitEmbeddingsOutput>();
        foreach (string collection in collections)
        {
            context.SetCustomStatus(new { phase = "submitting", collection });
            submissions.Add(await context.CallSubOrchestratorAsync<SubmitEmbeddingsOutput>(nameof(SubmitEmbeddings), input.Submit with { Collection = collection }));
        }

        context.SetCustomStatus(new { phase = "ingesting" });
        DateTime deadline = context.CurrentUtcDateTime.AddHours(input.DeadlineHours);
        IngestEmbeddingsOutput ingest = await context.CallSubOrchestratorAsync<IngestEmbeddingsOutput>(
            nameof(IngestEmbeddings), input.Ingest with { Collection = null, Wait = true, DeadlineUtc = deadline });

        string report = await context.CallActivityAsync<string>(
            nameof(WriteEnrichmentReport), new WriteEnrichmentReportInput(context.InstanceId, context.CurrentUtcDateTime, submissions, ingest), Retries.Local);
        context.SetCustomStatus(new { phase = "done", report });
        return new EnrichAutoOutput(submissions, ingest, report);
    }
}
