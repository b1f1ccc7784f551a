using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Migrations;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// Hands a migration's embeddings to its collection once the pipeline embeds with the migration's target settings:
/// each item unchanged since it was copied becomes Succeeded under the target fingerprint, so the pipeline never pays
/// for it again. Run by cleanup, and before every submission of such a collection until the migration is cleaned up.
/// </summary>
public sealed class MigrationAdoption(IItemStore items, MigrationCatalog migrations)
{
    private const int Page = 2_000;

    /// <summary>Adopts the embeddings of every migration of <paramref name="collection"/> to <paramref name="fingerprint"/>; returns how many items changed.</summary>
    public async Task<long> AdoptAllAsync(string collection, string fingerprint, CancellationToken ct)
    {
        long adopted = 0;
        if (MigrationNames.IsShadow(collection))
        {
            return 0;
        }

        await foreach (MigrationDefinition m in migrations.ListAsync(ct))
        {
            if (m.Collection == collection && m.TargetFingerprint == fingerprint)
            {
                adopted += await AdoptAsync(m, ct);
            }
        }

        return adopted;
    }

    public async Task<long> AdoptAsync(MigrationDefinition m, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(m);
        long adopted = 0;
        var page = new List<StoredItem>(Page);
        await foreach (StoredItem item in ItemPages.AllAsync(items, m.Shadow, ct))
        {
            page.Add(item);
            if (page.Count == Page)
            {
                adopted += await items.AdoptAsync(m.Collection, page, ct);
                page.Clear();
            }
        }

        return adopted + await items.AdoptAsync(m.Collection, page, ct);
    }
}
