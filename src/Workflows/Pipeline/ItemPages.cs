using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Items;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Every item of a collection (or under an id prefix), in id order, following the store's cursors page by page.</summary>
public static class ItemPages
{
    public static async IAsyncEnumerable<StoredItem> AllAsync(IItemStore items, string collection, [EnumeratorCancellation] CancellationToken ct, string prefix = "", int pageSize = 2_000)
    {
        ArgumentNullException.ThrowIfNull(items);
        string? cursor = null;
        do
        {
            ItemPage page = await items.ListAsync(collection, prefix, cursor, pageSize, ct);
            foreach (StoredItem item in page.Items)
            {
                yield return item;
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }
}
