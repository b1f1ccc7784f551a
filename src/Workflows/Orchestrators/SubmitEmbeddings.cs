using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

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
    long Requests,
    long Tokens,
    decimal EstimatedUsd,
    decimal? BudgetUsd,
    IReadOnlyList<string> BatchIds,
    IReadOnlyList<string> Errors);

/// <summary>
/// DESIGN §4 SubmitEmbeddings: [FindUnembedded] → [ChunkAndSerialize] per page (fanned out) → budget gate → per batch,
/// plan its BatchSummary and [SubmitBatch] (fanned out). Refused or dry runs submit nothing.
/// </summary>
public sealed class SubmitEmbeddings : TaskOrchestrator<SubmitEmbeddingsInput, SubmitEmbeddingsOutput>
{
    public override async Task<SubmitEmbeddingsOutput> RunAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        string runId = context.InstanceId + ":" + context.NewGuid().ToString("N")[..12];
        var checkpoint = CheckpointEntity.Id("submit-" + input.Collection);
        await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Start), new CheckpointStart(runId, "finding", 0, context.UtcNow()));

        context.SetCustomStatus(new { phase = "finding" });
        IReadOnlyList<ItemRange> pages = await context.CallActivityAsync<IReadOnlyList<ItemRange>>(
            nameof(FindUnembedded), new FindUnembeddedInput(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems), Retries.Local);
        if (pages.Count == 0)
        {
            return await Finish(context, checkpoint, runId, Output(input, "nothing-to-do", "Every item is embedded under the current settings (or in flight).", [], []));
        }

        context.SetCustomStatus(new { phase = "chunking", pages = pages.Count });
        string salt = runId;
        IReadOnlyList<ChunkAndSerializeOutput> chunked = await FanOut.RunAsync(pages, input.MaxConcurrency, async page =>
        {
            ChunkAndSerializeOutput o = await context.CallActivityAsync<ChunkAndSerializeOutput>(
                nameof(ChunkAndSerialize), new ChunkAndSerializeInput(input.Collection, input.Fingerprint, page, salt), Retries.Local);
            await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Advance),
                new CheckpointStep(runId, "page:" + page.LastId, "chunking", page.LastId, o.Items, 0, o.Errors, null, context.UtcNow()));
            return o;
        });
        var plans = chunked.SelectMany(c => c.Batches).ToList();
        var errors = chunked.SelectMany(c => c.ErrorSamples).Take(20).ToList();
        decimal estimated = plans.Sum(p => p.EstimatedUsd);

        BudgetDecision budget = BudgetGate.Check(estimated, input.BudgetUsd, 0m, $"submitting {plans.Count} batch(es) for '{input.Collection}'");
        if (!budget.Allowed)
        {
            return await Finish(context, checkpoint, runId, Output(input, "refused", budget.Reason, chunked, plans) with { Errors = errors });
        }

        if (input.DryRun)
        {
            return await Finish(context, checkpoint, runId, Output(input, "dry-run", "Dry run: nothing was submitted. " + budget.Reason, chunked, plans) with { Errors = errors });
        }

        context.SetCustomStatus(new { phase = "submitting", batches = plans.Count });
        IReadOnlyList<bool> submitted = await FanOut.RunAsync(plans, input.MaxConcurrency, plan => SubmitOne(context, input, plan, checkpoint, runId));
        int ok = submitted.Count(s => s);
        string message = ok == plans.Count
            ? $"Submitted {ok} batch(es) at the batch price. " + budget.Reason
            : $"Submitted {ok} of {plans.Count} batch(es); {plans.Count - ok} could not be created (see their BatchSummary errors). " + budget.Reason;
        return await Finish(context, checkpoint, runId, Output(input, "submitted", message, chunked, plans) with { Submitted = ok, SubmitFailed = plans.Count - ok, Errors = errors });
    }

    private static async Task<bool> SubmitOne(TaskOrchestrationContext context, SubmitEmbeddingsInput input, PlannedBatchRef plan, EntityInstanceId checkpoint, string runId)
    {
        var id = BatchSummaryEntity.Id(plan.BatchId);
        var summary = new BatchSummary
        {
            BatchId = plan.BatchId,
            Kind = BatchKind.Embedding,
            Collection = input.Collection,
            Fingerprint = input.Fingerprint,
            Model = input.Model,
            Endpoint = BatchEndpoints.Embeddings,
            InputPath = plan.Path,
            Requests = plan.Requests,
            Tokens = plan.Tokens,
            EstimatedUsd = plan.EstimatedUsd,
            CreatedAt = context.UtcNow(),
            UpdatedAt = context.UtcNow(),
        };
        await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Plan), summary);
        try
        {
            ProviderObservation observed = await context.CallActivityAsync<ProviderObservation>(
                nameof(SubmitBatch), new SubmitBatchInput(plan.BatchId, input.Collection, input.Fingerprint, plan.Path), Retries.Provider);
            await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.Observe), observed with { At = context.UtcNow() });
            await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Advance),
                new CheckpointStep(runId, "batch:" + plan.BatchId, "submitting", null, 0, plan.Requests, 0, plan.BatchId, context.UtcNow()));
            return true;
        }
        catch (TaskFailedException ex)
        {
            string reason = ex.FailureDetails.ErrorMessage;
            await context.Entities.CallEntityAsync<BatchSummary>(id, nameof(BatchSummaryEntity.FailSubmit), new SubmitFailure("submit_failed: " + reason, context.UtcNow()));
            return false;
        }
    }

    private static SubmitEmbeddingsOutput Output(SubmitEmbeddingsInput input, string outcome, string message, IReadOnlyList<ChunkAndSerializeOutput> chunked, IReadOnlyList<PlannedBatchRef> plans) => new(
        input.Collection,
        outcome,
        message,
        chunked.Sum(c => c.Items),
        plans.Count,
        0,
        0,
        plans.Sum(p => (long)p.Requests),
        plans.Sum(p => p.Tokens),
        plans.Sum(p => p.EstimatedUsd),
        input.BudgetUsd,
        plans.Select(p => p.BatchId).ToList(),
        []);

    private static async Task<SubmitEmbeddingsOutput> Finish(TaskOrchestrationContext context, EntityInstanceId checkpoint, string runId, SubmitEmbeddingsOutput output)
    {
        await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Finish), new CheckpointFinish(runId, output.Outcome, output.Message, context.UtcNow()));
        context.SetCustomStatus(new { phase = output.Outcome, batches = output.Batches, submitted = output.Submitted });
        return output;
    }
}
