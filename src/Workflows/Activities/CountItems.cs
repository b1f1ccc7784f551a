using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A collection's items by status.</summary>
public sealed class CountItems(IItemStore items) : TaskActivity<string, ItemCounts>
{
    public override async Task<ItemCounts> RunAsync(TaskActivityContext context, string input) =>
        ItemCounts.From(await items.CountByStatusAsync(input, CancellationToken.None));
}
