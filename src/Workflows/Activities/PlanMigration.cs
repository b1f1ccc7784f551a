using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>What a migration would do and cost: its items chunked and counted for the target, nothing written.</summary>
public sealed record MigrationPlan(
    string Name, string Collection, string SourceIndex, string TargetIndex, string TargetModel, int? TargetDimensions, string Mode, bool Sync,
    long Items, long ItemsChunked, long SkippedEmpty, long Requests, long Tokens, int Batches, decimal EstimatedUsd, decimal StandardUsd, IReadOnlyList<string> Errors);

/// <summary>The dry run of a migration: plans every item of the source collection for the target and writes nothing.</summary>
public sealed class PlanMigration(IItemStore items, EmbeddingTargets targets) : TaskActivity<MigrationDefinition, MigrationPlan>
{
    public override async Task<MigrationPlan> RunAsync(TaskActivityContext context, MigrationDefinition input)
    {
        ArgumentNullException.ThrowIfNull(input);
        EmbeddingConfig target = targets.Target(input.TargetModel, input.TargetDimensions);
        var planner = new EmbeddingBatchPlanner(target.PlanSettings(input.Collection, "plan"));
        BatchPlan plan = await planner.PlanAsync(SourceAsync(input.Collection, CancellationToken.None), new CountingBatchFileSink(), CancellationToken.None);
        return new MigrationPlan(
            input.Name, input.Collection, input.SourceIndex, input.TargetIndex, input.TargetModel, input.TargetDimensions, input.Mode, input.Sync,
            plan.ItemsPlanned, plan.ItemsChunked, plan.ItemsSkippedEmpty, plan.Batches.Sum(b => (long)b.Requests), plan.Tokens, plan.Batches.Count,
            input.Sync ? plan.StandardUsd : plan.EstimatedUsd, plan.StandardUsd, plan.Errors.Take(20).Select(e => e.ToString()).ToList());
    }

    private async IAsyncEnumerable<CorpusItem> SourceAsync(string collection, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (StoredItem item in ItemPages.AllAsync(items, collection, ct))
        {
            yield return item.ToCorpusItem();
        }
    }
}
