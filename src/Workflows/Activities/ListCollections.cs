using BatchEmbed.Domain.Migrations;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>
/// Every collection with items to embed (for runs over all of them): not the labels or the receipts' metadata, nor a
/// migration's shadow collection (its migration embeds it).
/// </summary>
public sealed class ListCollections(IItemStore items, CompletionOptions completions) : TaskActivity<object?, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(TaskActivityContext context, object? input) =>
        [.. (await items.CollectionsAsync(CancellationToken.None)).Where(c => !completions.IsNotEmbedded(c) && !MigrationNames.IsShadow(c))];
}
