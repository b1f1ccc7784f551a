using BatchEmbed.Workflows.Activities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Collections">The collections to enrich; empty means every collection with items to embed.</param>
/// <param name="Validate">SubmitCompletions's and IngestCompletions's inputs for the labels; null leaves them alone.</param>
public sealed record EnrichAutoInput(
    IReadOnlyList<string> Collections, SubmitEmbeddingsInput Submit, IngestEmbeddingsInput Ingest, double DeadlineHours = 26,
    EnrichValidation? Validate = null);

/// <summary>The labels' part of an EnrichAuto run: SubmitCompletions's input and IngestCompletions's.</summary>
public sealed record EnrichValidation(SubmitEmbeddingsInput Submit, IngestEmbeddingsInput Ingest);

/// <param name="Validation">The labels' submission, when the run validated them.</param>
/// <param name="Answers">The labels' ingest, when the run validated them.</param>
public sealed record EnrichAutoOutput(
    IReadOnlyList<SubmitEmbeddingsOutput> Submissions, IngestEmbeddingsOutput Ingest, string ReportPath,
    SubmitEmbeddingsOutput? Validation = null, IngestCompletionsOutput? Answers = null);

/// <summary>
/// Seed 002's <c>--auto</c>: submit every collection's embeddings and the labels' completions (seed 004), then ingest
/// both side by side on durable timers until every batch is terminal or the deadline (26 h, the completion window plus
/// slack) passes, then write a markdown report to the blob store.
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

        SubmitEmbeddingsOutput? validation = null;
        if (input.Validate is { } validate)
        {
            context.SetCustomStatus(new { phase = "submitting", collection = validate.Submit.Collection });
            validation = await context.CallSubOrchestratorAsync<SubmitEmbeddingsOutput>(nameof(SubmitCompletions), validate.Submit);
        }

        context.SetCustomStatus(new { phase = "ingesting" });
        DateTime deadline = context.CurrentUtcDateTime.AddHours(input.DeadlineHours);
        Task<IngestEmbeddingsOutput> ingest = context.CallSubOrchestratorAsync<IngestEmbeddingsOutput>(
            nameof(IngestEmbeddings), input.Ingest with { Collection = null, Wait = true, DeadlineUtc = deadline });
        Task<IngestCompletionsOutput?> answers = input.Validate is { } labels
            ? context.CallSubOrchestratorAsync<IngestCompletionsOutput?>(nameof(IngestCompletions), labels.Ingest with { Wait = true, DeadlineUtc = deadline })
            : Task.FromResult<IngestCompletionsOutput?>(null);
        await Task.WhenAll(ingest, answers);

        string report = await context.CallActivityAsync<string>(
            nameof(WriteEnrichmentReport),
            new WriteEnrichmentReportInput(context.InstanceId, context.CurrentUtcDateTime, submissions, ingest.Result, validation, answers.Result),
            Retries.Local);
        context.SetCustomStatus(new { phase = "done", report });
        return new EnrichAutoOutput(submissions, ingest.Result, report, validation, answers.Result);
    }
}
