using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record CopyMigrationItemsInput(string Name, string? AfterId, int PageSize);

/// <param name="Changed">Items new to the shadow or whose text changed since they were copied: they need the target's embedding.</param>
public sealed record CopyMigrationItemsOutput(string? NextCursor, long Read, long Changed);

/// <summary>
/// Copies one page of the source collection into the migration's shadow collection. The import is by content hash, so
/// an unchanged item keeps its migration status and a changed one goes back to None; running it again changes nothing.
/// </summary>
public sealed class CopyMigrationItems(IItemStore items, MigrationCatalog migrations) : TaskActivity<CopyMigrationItemsInput, CopyMigrationItemsOutput>
{
    public override async Task<CopyMigrationItemsOutput> RunAsync(TaskActivityContext context, CopyMigrationItemsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        MigrationDefinition m = await migrations.GetAsync(input.Name, ct) ?? throw new InvalidOperationException($"There is no migration '{input.Name}'.");
        ItemPage page = await items.ListAsync(m.Collection, string.Empty, input.AfterId, input.PageSize, ct);
        ImportResult result = await items.ImportAsync(m.Shadow, page.Items.Select(i => i.ToCorpusItem()).ToAsyncEnumerable(), ct);
        return new CopyMigrationItemsOutput(page.NextCursor, page.Items.Count, result.Imported + result.Updated);
    }
}
