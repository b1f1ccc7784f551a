using BatchEmbed.Connectors.Items;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record ResetItemStatusesInput(string Collection, bool DryRun);

/// <summary>Items of a collection by status (a dry run stops there), then every item back to None.</summary>
public sealed record ResetItemStatusesOutput(string Collection, IReadOnlyDictionary<ItemStatus, long> Before, int Reset);

public sealed class ResetItemStatuses(IItemStore items) : TaskActivity<ResetItemStatusesInput, ResetItemStatusesOutput>
{
    public override async Task<ResetItemStatusesOutput> RunAsync(TaskActivityContext context, ResetItemStatusesInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        IReadOnlyDictionary<ItemStatus, long> before = await items.CountByStatusAsync(input.Collection, CancellationToken.None);
        int reset = input.DryRun ? 0 : await items.ResetStatusesAsync(input.Collection, CancellationToken.None);
        return new ResetItemStatusesOutput(input.Collection, before, reset);
    }
}
