using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Activities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>
/// DESIGN §4 SubmitCompletions (seed 004): [FindUnembedded] labels whose status is None or whose answer was given under
/// another prompt or model → [PlanCompletions] per page (one request per receipt, fanned out) → budget gate (input
/// tokens exact, output bounded by each request's max_completion_tokens) → BatchSummaries of kind completion, labels
/// claimed Pending only where unclaimed → created exactly once through the same queue as embeddings.
/// The input's collection is the labels collection and its fingerprint the prompt's.
/// </summary>
public sealed class SubmitCompletions : SubmitRun
{
    protected override BatchKind Kind => BatchKind.Completion;

    protected override string CheckpointPrefix => "validate-";

    protected override string NothingToDo => "Every label is validated under the current prompt and model (or in flight).";

    protected override Task<IReadOnlyList<ItemRange>> FindAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input) =>
        context.CallActivityAsync<IReadOnlyList<ItemRange>>(
            nameof(FindUnembedded), new FindUnembeddedInput(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems, BatchKind.Completion), Retries.Local);

    protected override Task<ChunkAndSerializeOutput> PlanAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input, ItemRange page, string salt) =>
        context.CallActivityAsync<ChunkAndSerializeOutput>(nameof(PlanCompletions), new PlanCompletionsInput(input.Fingerprint, page, salt), Retries.Local);
}
