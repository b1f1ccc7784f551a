using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Items.Tables;
using BatchEmbed.Tests.Servers;

namespace BatchEmbed.Connectors.Tests.Items;

/// <summary>The item store contract on Azure Table Storage: a fresh table in Azurite for each test.</summary>
public sealed class TableItemStoreTests(AzuriteServer azurite) : ItemStoreContract, IClassFixture<AzuriteServer>
{
    private readonly string _table = "items" + Guid.NewGuid().ToString("N");

    protected override IItemStore NewStore() => TableItemStore.FromConnectionString(azurite.ConnectionString, _table);

    protected override IItemStore SameStore() => TableItemStore.FromConnectionString(azurite.ConnectionString, _table);
}
