using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A batch waiting in the queue, with what creating it needs.</summary>
/// <param name="OrphanedBy">Set for a batch taken from the queue by an orchestration that has ended without creating it.</param>
public sealed record QueuedBatch(string BatchId, string Collection, string Fingerprint, string Model, string Path, long Tokens, DateTimeOffset CreatedAt, string? OrphanedBy = null, string Endpoint = BatchEndpoints.Embeddings);

/// <param name="Queued">Every collection's queued batches, oldest (first planned) first.</param>
/// <param name="Live">Batches that may hold a reservation: queued, being created, or open at the provider.</param>
/// <param name="Limits">The configured limits, read here so the orchestrator replays them from history.</param>
public sealed record QueueView(IReadOnlyList<QueuedBatch> Queued, IReadOnlyList<string> Live, QuotaLimits Limits);

/// <summary>
/// Reads the queue of batches waiting for room under the provider's enqueued-token limit, with the batches taken from
/// it by an orchestration that is no longer running (terminated or failed before creating them), so they go back.
/// </summary>
public sealed class ListQueuedBatches(BatchSummaries summaries, DurableTaskClient client, PipelineOptions options) : TaskActivity<string?, QueueView>
{
    public override async Task<QueueView> RunAsync(TaskActivityContext context, string? input)
    {
        var queued = new List<QueuedBatch>();
        var live = new List<string>();
        var active = new Dictionary<string, bool>(StringComparer.Ordinal); // one status read per taker, not per batch
        await foreach (BatchSummary s in summaries.ListAsync(null, CancellationToken.None))
        {
            if (s.Status is BatchStatus.Queued)
            {
                queued.Add(new QueuedBatch(s.BatchId, s.Collection, s.Fingerprint, s.Model, s.InputPath, s.Tokens, s.CreatedAt, Endpoint: s.Endpoint));
            }
            else if (s is { Status: BatchStatus.Planned, DequeuedBy: { } owner } && !(active.TryGetValue(owner, out bool known) ? known : active[owner] = await IsActiveAsync(owner)))
            {
                queued.Add(new QueuedBatch(s.BatchId, s.Collection, s.Fingerprint, s.Model, s.InputPath, s.Tokens, s.CreatedAt, owner, s.Endpoint));
            }

            if (s.Status is BatchStatus.Queued or BatchStatus.Planned || BatchTransitions.IsOpen(s.Status))
            {
                live.Add(s.BatchId);
            }
        }

        return new QueueView(
            [.. queued.OrderBy(b => b.CreatedAt).ThenBy(b => b.BatchId, StringComparer.Ordinal)],
            live,
            options.QuotaLimits());
    }

    private async Task<bool> IsActiveAsync(string instanceId) =>
        await client.GetInstanceAsync(instanceId, getInputsAndOutputs: false) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended };
}
