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
    int Queued,
    long Requests,
    long Tokens,
    decimal EstimatedUsd,
    decimal? BudgetUsd,
    IReadOnlyList<string> BatchIds,
    IReadOnlyList<string> Errors);

/// <summary>
/// DESIGN §4 SubmitEmbeddings: [FindUnembedded] → [ChunkAndSerialize] per page (fanned out) → budget gate → per batch,
/// its BatchSummary (Queued) and [ClaimBatchItems] (fanned out) → one pass of the queue (<see cref="QueueDrain"/>):
/// the batches that fit under the provider's enqueued-token limit are created now, the rest wait in the queue, which
/// every ingest drains as batches finish. Refused or dry runs submit nothing.
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

        context.SetCustomStatus(new { phase = "queueing", batches = plans.Count });
        await FanOut.RunAsync(plans, input.MaxConcurrency, plan => QueueOne(context, input, plan));

        context.SetCustomStatus(new { phase = "submitting", batches = plans.Count });
        DrainResult drain = await QueueDrain.RunAsync(context, input.MaxConcurrency);
        var mine = plans.Select(p => p.BatchId).ToHashSet(StringComparer.Ordinal);
        var submitted = drain.Submitted.Where(b => mine.Contains(b.BatchId)).ToList();
        int failed = drain.Failed.Count(b => mine.Contains(b.BatchId));
        int queued = drain.Waiting.Count(b => mine.Contains(b.BatchId));
        foreach (QueuedBatch b in submitted)
        {
            await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Advance),
                new CheckpointStep(runId, "batch:" + b.BatchId, "submitting", null, 0, plans.First(p => p.BatchId == b.BatchId).Requests, 0, b.BatchId, context.UtcNow()));
        }

        int ok = submitted.Count;
        string message = ok == plans.Count
            ? $"Submitted {ok} batch(es) at the batch price. "
            : $"Submitted {ok} of {plans.Count} batch(es)"
                + (queued > 0 ? $"; {queued} queued until the provider's enqueued-token limit has room (ingest submits them as batches finish)" : string.Empty)
                + (failed > 0 ? $"; {failed} could not be created (see their BatchSummary errors)" : string.Empty)
                + ". ";
        return await Finish(context, checkpoint, runId, Output(input, "submitted", message + budget.Reason, chunked, plans) with { Submitted = ok, SubmitFailed = failed, Queued = queued, Errors = errors });
    }

    /// <summary>Records the batch's BatchSummary as Queued, then claims its items for it (so no later run plans them again).</summary>
    private static async Task<bool> QueueOne(TaskOrchestrationContext context, SubmitEmbeddingsInput input, PlannedBatchRef plan)
    {
        var summary = new BatchSummary
        {
            BatchId = plan.BatchId,
            Kind = BatchKind.Embedding,
            Collection = input.Collection,
            Fingerprint = input.Fingerprint,
            Model = input.Model,
            Endpoint = BatchEndpoints.Embeddings,
            InputPath = plan.Path,
            Status = BatchStatus.Queued,
            Requests = plan.Requests,
            Tokens = plan.Tokens,
            EstimatedUsd = plan.EstimatedUsd,
            CreatedAt = context.UtcNow(),
            UpdatedAt = context.UtcNow(),
            QueuedAt = context.UtcNow(),
        };
        await context.Entities.CallEntityAsync<BatchSummary>(BatchSummaryEntity.Id(plan.BatchId), nameof(BatchSummaryEntity.Plan), summary);
        await context.CallActivityAsync<int>(nameof(ClaimBatchItems), new ClaimBatchItemsInput(plan.BatchId, input.Collection, plan.Path), Retries.Local);
        return true;
    }

    private static SubmitEmbeddingsOutput Output(SubmitEmbeddingsInput input, string outcome, string message, IReadOnlyList<ChunkAndSerializeOutput> chunked, IReadOnlyList<PlannedBatchRef> plans) => new(
        input.Collection,
        outcome,
        message,
        chunked.Sum(c => c.Items),
        plans.Count,
        0,
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
