using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Activities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Model">The model (or deployment) the fingerprint stands for, recorded on each BatchSummary.</param>
public sealed record SubmitEmbeddingsInput(
    string Collection,
    string Fingerprint,
    string Model,
    decimal? BudgetUsd,
    bool DryRun,
    long? MaxItems,
    int PageSize,
    int MaxConcurrency);

/// <param name="Outcome">submitted, dry-run, refused (budget) or nothing-to-do.</param>
public sealed record SubmitEmbeddingsOutput(
    string Collection,
    string Outcome,
    string Message,
    long Items,
    int Batches,
    int Submitted,
    int SubmitFailed,
    int Queued,
    long Requests,
    long Tokens,
    decimal EstimatedUsd,
    decimal? BudgetUsd,
    IReadOnlyList<string> BatchIds,
    IReadOnlyList<string> Errors);

/// <summary>DESIGN §4 SubmitEmbeddings: [FindUnembedded] → [ChunkAndSerialize] per page, then <see cref="SubmitRun"/>'s queue and drain.</summary>
public sealed class SubmitEmbeddings : SubmitRun
{
    protected override BatchKind Kind => BatchKind.Embedding;

    protected override string CheckpointPrefix => "submit-";

    protected override string NothingToDo => "Every item is embedded under the current settings (or in flight).";

    protected override Task<IReadOnlyList<ItemRange>> FindAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input) =>
        context.CallActivityAsync<IReadOnlyList<ItemRange>>(nameof(FindUnembedded), new FindUnembeddedInput(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems), Retries.Local);

    protected override Task<ChunkAndSerializeOutput> PlanAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input, ItemRange page, string salt) =>
        context.CallActivityAsync<ChunkAndSerializeOutput>(nameof(ChunkAndSerialize), new ChunkAndSerializeInput(input.Collection, input.Fingerprint, page, salt), Retries.Local);
}
