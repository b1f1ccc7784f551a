using BatchEmbed.Connectors.Items;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Every collection with items (for runs over all of them).</summary>
public sealed class ListCollections(IItemStore items) : TaskActivity<object?, IReadOnlyList<string>>
{
    public override Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, object? input) => items.CollectionsAsync(CancellationToken.None);
}
