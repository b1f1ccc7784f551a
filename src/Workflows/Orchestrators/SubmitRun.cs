using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>
/// DESIGN §4 SubmitEmbeddings and SubmitCompletions: find the work by pages → plan each page (fanned out) → budget gate → per batch,
/// its BatchSummary (Queued) and [ClaimBatchItems] (fanned out) → one pass of the queue (<see cref="QueueDrain"/>):
/// the batches that fit under the provider's enqueued-token limit are created now, the rest wait in the queue, which
/// every ingest drains as batches finish. Refused or dry runs submit nothing.
/// </summary>
public abstract class SubmitRun : TaskOrchestrator<SubmitEmbeddingsInput, SubmitEmbeddingsOutput>
{
    /// <summary>What the batches hold (so which endpoint they go to).</summary>
    protected abstract BatchKind Kind { get; }

    /// <summary>Names the checkpoint entity (<c>{prefix}{collection}</c>).</summary>
    protected abstract string CheckpointPrefix { get; }

    /// <summary>What "nothing to do" means, for the output.</summary>
    protected abstract string NothingToDo { get; }

    /// <summary>Pages the work: id ranges of items that need it.</summary>
    protected abstract Task<IReadOnlyList<ItemRange>> FindAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input);

    /// <summary>Writes one page's batch files.</summary>
    protected abstract Task<ChunkAndSerializeOutput> PlanAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input, ItemRange page, string salt);

    public override async Task<SubmitEmbeddingsOutput> RunAsync(TaskOrchestrationContext context, SubmitEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        string runId = context.InstanceId + ":" + context.NewGuid().ToString("N")[..12];
        var checkpoint = CheckpointEntity.Id(CheckpointPrefix + input.Collection);
        await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Start), new CheckpointStart(runId, "finding", 0, context.UtcNow()));

        context.SetCustomStatus(new { phase = "finding" });
        IReadOnlyList<ItemRange> pages = await FindAsync(context, input);
        if (pages.Count == 0)
        {
            return await Finish(context, checkpoint, runId, Output(input, "nothing-to-do", NothingToDo, [], []));
        }

        context.SetCustomStatus(new { phase = "chunking", pages = pages.Count });
        string salt = runId;
        IReadOnlyList<ChunkAndSerializeOutput> chunked = await FanOut.RunAsync(pages, input.MaxConcurrency, async page =>
        {
            ChunkAndSerializeOutput o = await PlanAsync(context, input, page, salt);
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
        await FanOut.RunAsync(plans, input.MaxConcurrency, plan =>
            BatchQueue.AddAsync(context, Kind, input.Collection, input.Fingerprint, input.Model, plan));

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
