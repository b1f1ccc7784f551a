using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="Collection">One collection, or null for all.</param>
/// <param name="Wait">Keep polling (on durable timers) until no batch is open, or until <paramref name="DeadlineUtc"/>.</param>
/// <param name="Totals">Carried across ContinueAsNew generations (with <paramref name="Verdicts"/> and <paramref name="CompletionTokens"/> for completions).</param>
public sealed record IngestEmbeddingsInput(
    string? Collection,
    int MaxConcurrency,
    int MaxAttempts,
    bool Wait = false,
    int PollSeconds = 5,
    DateTime? DeadlineUtc = null,
    IngestTotals? Totals = null,
    int Submitted = 0,
    VerdictCounts? Verdicts = null,
    long CompletionTokens = 0);

public sealed record IngestTotals(int Polls, int BatchesIngested, int ItemsSucceeded, int ItemsRequeued, int ItemsFailed, long Vectors, decimal ActualUsd)
{
    public static IngestTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0m);

    public IngestTotals Add(IngestOutcome o) => this with
    {
        BatchesIngested = BatchesIngested + 1,
        ItemsSucceeded = ItemsSucceeded + o.ItemsSucceeded,
        ItemsRequeued = ItemsRequeued + o.ItemsRequeued,
        ItemsFailed = ItemsFailed + o.ItemsFailed,
        Vectors = Vectors + o.Vectors,
        ActualUsd = ActualUsd + o.ActualUsd,
    };
}

/// <param name="Open">Batches still running at the provider when this run ended.</param>
/// <param name="Queued">Batches still waiting for room under the enqueued-token limit when this run ended.</param>
/// <param name="Submitted">Queued batches this run created as room freed (all generations).</param>
public sealed record IngestEmbeddingsOutput(IngestTotals Totals, int Open, IReadOnlyList<CompactionResult> Compactions, string Message, int Queued = 0, int Submitted = 0);

/// <summary>
/// DESIGN §4 IngestEmbeddings: [ListPendingBatches] → [PollBatch] per batch (fanned out) → [StoreResults] for terminal
/// ones → [CompactDeltas] once per touched collection → one pass of the queue (<see cref="QueueDrain"/>: queued batches
/// are created as finished ones free room under the enqueued-token limit). With Wait it sleeps on a durable timer and
/// continues as new (so history stays small) until every batch is ingested and none is queued.
/// </summary>
public sealed class IngestEmbeddings : TaskOrchestrator<IngestEmbeddingsInput, IngestEmbeddingsOutput>
{
    public override async Task<IngestEmbeddingsOutput> RunAsync(TaskOrchestrationContext context, IngestEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        IngestTotals totals = (input.Totals ?? IngestTotals.Zero) with { Polls = (input.Totals?.Polls ?? 0) + 1 };

        IReadOnlyList<PendingBatch> pending = [.. (await context.CallActivityAsync<IReadOnlyList<PendingBatch>>(nameof(ListPendingBatches), input.Collection, Retries.Local))
            .Where(b => b.Kind == BatchKind.Embedding)];
        context.SetCustomStatus(new { phase = "polling", batches = pending.Count, ingested = totals.BatchesIngested });
        IReadOnlyList<(IngestOutcome? Outcome, bool Requeued)> polled = await FanOut.RunAsync(pending, input.MaxConcurrency, b => BatchIngest.RunAsync(context, b, nameof(StoreResults), input.MaxAttempts));
        var outcomes = polled.Select(p => p.Outcome).ToList();

        var touched = new SortedSet<(string Collection, string Fingerprint)>();
        for (int i = 0; i < pending.Count; i++)
        {
            if (outcomes[i] is { } o)
            {
                totals = totals.Add(o);
                if (o.Vectors > 0)
                {
                    touched.Add((pending[i].Collection, pending[i].Fingerprint));
                }
            }
        }

        var compactions = new List<CompactionResult>();
        foreach ((string collection, string fingerprint) in touched)
        {
            context.SetCustomStatus(new { phase = "compacting", collection });
            compactions.Add(await context.CallActivityAsync<CompactionResult>(nameof(CompactDeltas), new CompactDeltasInput(collection, fingerprint), Retries.Local));
        }

        context.SetCustomStatus(new { phase = "submitting queued" });
        DrainResult drain = await QueueDrain.RunAsync(context, input.MaxConcurrency);
        (int created, int queued) = drain.CountFor(BatchKind.Embedding, input.Collection);
        int submitted = input.Submitted + created;
        int open = polled.Count(p => p.Outcome is null && !p.Requeued) + created;
        bool pastDeadline = input.DeadlineUtc is { } deadline && context.CurrentUtcDateTime >= deadline;
        if (input.Wait && open + queued > 0 && !pastDeadline)
        {
            context.SetCustomStatus(new { phase = "waiting", open, queued, ingested = totals.BatchesIngested, items = totals.ItemsSucceeded });
            await context.CreateTimer(TimeSpan.FromSeconds(input.PollSeconds), CancellationToken.None);
            context.ContinueAsNew(input with { Totals = totals, Submitted = submitted });
            return new IngestEmbeddingsOutput(totals, open, compactions, "continued", queued, submitted);
        }

        string queuedNote = queued > 0 ? $"; {queued} queued for the enqueued-token limit" : string.Empty;
        string message = open == 0 && queued == 0
            ? $"Ingested {totals.BatchesIngested} batch(es): {totals.ItemsSucceeded} items embedded, {totals.ItemsRequeued} requeued, {totals.ItemsFailed} failed."
            : $"Ingested {totals.BatchesIngested} batch(es); {open} still open at the provider{queuedNote}{(pastDeadline ? " at the deadline" : string.Empty)}.";
        context.SetCustomStatus(new { phase = "done", open, queued, ingested = totals.BatchesIngested, items = totals.ItemsSucceeded });
        return new IngestEmbeddingsOutput(totals, open, compactions, message, queued, submitted);
    }
}
