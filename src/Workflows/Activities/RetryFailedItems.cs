using BatchEmbed.Connectors.Items;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Sends a collection's Failed items (out of attempts) back to None for another round; returns how many.</summary>
public sealed class RetryFailedItems(IItemStore items) : TaskActivity<string, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, string input) => items.ResetFailedAsync(input, CancellationToken.None);
}
