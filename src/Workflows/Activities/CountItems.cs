using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A collection's items by status.</summary>
public sealed class CountItems(IItemStore items) : TaskActivity<string, ItemCounts>
{
    public override async Task<ItemCounts> RunAsync(TaskActivityContext context, string input)
    {
        IReadOnlyDictionary<ItemStatus, long> c = await items.CountByStatusAsync(input, CancellationToken.None);
        return new ItemCounts(c.GetValueOrDefault(ItemStatus.None), c.GetValueOrDefault(ItemStatus.Pending), c.GetValueOrDefault(ItemStatus.Succeeded), c.GetValueOrDefault(ItemStatus.Failed));
    }
}
