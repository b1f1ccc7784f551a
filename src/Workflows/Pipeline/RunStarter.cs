using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// Starts the pipeline's orchestrations with inputs filled from settings, under fixed instance ids per collection
/// (<c>submit-{collection}</c>, <c>ingest-{collection}</c>) so that one of each runs at a time.
/// </summary>
public sealed class RunStarter(DurableTaskClient client, EmbeddingConfig config, CompletionConfig completions, PipelineOptions options)
{
    public static string SubmitId(string collection) => "submit-" + collection;

    public static string IngestId(string? collection) => "ingest-" + (collection ?? "all");

    public SubmitEmbeddingsInput SubmitInput(string collection, decimal? budgetUsd = null, bool dryRun = false, long? maxItems = null) => new(
        collection, config.Fingerprint, config.Target.Model, budgetUsd ?? options.BudgetUsd, dryRun, maxItems, options.PageSize, options.MaxConcurrency);

    public IngestEmbeddingsInput IngestInput(string? collection, bool wait) =>
        new(collection, options.MaxConcurrency, options.MaxAttempts, wait, options.PollSeconds);

    /// <summary>False for the labels and receipts collections: they are judged by completions, never embedded.</summary>
    public bool Embeds(string collection) => !completions.Options.IsNotEmbedded(collection);

    /// <summary>The label validations' singletons: one submission and one ingest at a time.</summary>
    public const string ValidateSubmitId = "validate-submit";

    public const string ValidateIngestId = "validate-ingest";

    /// <summary>SubmitCompletions's input: the labels collection under the prompt's fingerprint.</summary>
    public SubmitEmbeddingsInput ValidateSubmitInput(decimal? budgetUsd = null, bool dryRun = false, long? maxLabels = null) => new(
        completions.Options.LabelsCollection, completions.Fingerprint, completions.Options.Model, budgetUsd ?? options.BudgetUsd, dryRun, maxLabels,
        completions.Options.PageSize, options.MaxConcurrency);

    public IngestEmbeddingsInput ValidateIngestInput(bool wait) =>
        new(completions.Options.LabelsCollection, options.MaxConcurrency, completions.Options.MaxAttempts, wait, options.PollSeconds);

    /// <summary>
    /// Starts <paramref name="name"/> as <paramref name="instanceId"/> unless that instance is Pending, Running or
    /// Suspended. The store decides atomically (no check-then-start race between the timer and the API).
    /// </summary>
    /// <returns>The instance id and whether it was started now (false: the live one was left alone).</returns>
    public async Task<(string InstanceId, bool Started)> StartSingletonAsync(string name, string instanceId, object input, CancellationToken ct)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId), ct);
            return (instanceId, true);
        }
        catch (InvalidOperationException)
        {
            return (instanceId, false); // the store refused: an instance with this id is live
        }
    }

    public async Task<string> StartAsync(string name, object input, CancellationToken ct) =>
        await client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(), ct);
}
