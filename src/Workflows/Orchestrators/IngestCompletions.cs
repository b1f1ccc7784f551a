using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

public sealed record IngestCompletionsOutput(IngestTotals Totals, VerdictCounts Verdicts, long CompletionTokens, int Open, int Queued, string Message);

/// <summary>
/// DESIGN §4 IngestCompletions (seed 004): [ListPendingBatches] of kind completion → [PollBatch] per batch (fanned
/// out) → [StoreAnswers] for terminal ones → one pass of the queue. With Wait it sleeps on a durable timer and
/// continues as new until every completion batch is ingested and none is queued. Input as IngestEmbeddings's.
/// </summary>
public sealed class IngestCompletions : TaskOrchestrator<IngestEmbeddingsInput, IngestCompletionsOutput>
{
    public override async Task<IngestCompletionsOutput> RunAsync(TaskOrchestrationContext context, IngestEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        IngestTotals totals = (input.Totals ?? IngestTotals.Zero) with { Polls = (input.Totals?.Polls ?? 0) + 1 };
        VerdictCounts verdicts = input.Verdicts ?? VerdictCounts.Zero;
        long completionTokens = input.CompletionTokens;

        IReadOnlyList<PendingBatch> pending = [.. (await context.CallActivityAsync<IReadOnlyList<PendingBatch>>(nameof(ListPendingBatches), input.Collection, Retries.Local))
            .Where(b => b.Kind == BatchKind.Completion)];
        context.SetCustomStatus(new { phase = "polling", batches = pending.Count, ingested = totals.BatchesIngested });
        IReadOnlyList<(IngestOutcome? Outcome, bool Requeued)> polled = await FanOut.RunAsync(pending, input.MaxConcurrency, b => BatchIngest.RunAsync(context, b, nameof(StoreAnswers), input.MaxAttempts));
        foreach ((IngestOutcome? o, _) in polled)
        {
            if (o is not null)
            {
                totals = totals.Add(o);
                verdicts = verdicts.Add(o.Verdicts);
                completionTokens += o.CompletionTokens;
            }
        }

        context.SetCustomStatus(new { phase = "submitting queued" });
        DrainResult drain = await QueueDrain.RunAsync(context, input.MaxConcurrency);
        (int created, int queued) = drain.CountFor(BatchKind.Completion, input.Collection);
        int open = polled.Count(p => p.Outcome is null && !p.Requeued) + created;
        bool pastDeadline = input.DeadlineUtc is { } deadline && context.CurrentUtcDateTime >= deadline;
        if (input.Wait && open + queued > 0 && !pastDeadline)
        {
            context.SetCustomStatus(new { phase = "waiting", open, queued, ingested = totals.BatchesIngested, labels = totals.ItemsSucceeded });
            await context.CreateTimer(TimeSpan.FromSeconds(input.PollSeconds), CancellationToken.None);
            context.ContinueAsNew(input with { Totals = totals, Verdicts = verdicts, CompletionTokens = completionTokens });
            return new IngestCompletionsOutput(totals, verdicts, completionTokens, open, queued, "continued");
        }

        string message = open == 0 && queued == 0
            ? $"Ingested {totals.BatchesIngested} completion batch(es): {verdicts.Valid} labels valid, {verdicts.Invalid} invalid, {verdicts.NeedsReview} need review"
                + $" ({verdicts.GaveUp} after their last attempt), {totals.ItemsRequeued} sent back for another attempt."
            : $"Ingested {totals.BatchesIngested} completion batch(es); {open} still open at the provider{(queued > 0 ? $"; {queued} queued" : string.Empty)}{(pastDeadline ? " at the deadline" : string.Empty)}.";
        context.SetCustomStatus(new { phase = "done", open, queued, ingested = totals.BatchesIngested, labels = totals.ItemsSucceeded });
        return new IngestCompletionsOutput(totals, verdicts, completionTokens, open, queued, message);
    }
}
