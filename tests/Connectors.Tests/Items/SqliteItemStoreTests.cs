using BatchEmbed.Connectors.Items;

namespace BatchEmbed.Connectors.Tests.Items;

/// <summary>The item store contract on the embedded store: a SQLite file in a temp directory.</summary>
public sealed class SqliteItemStoreTests : ItemStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("items-").FullName;
    private readonly List<SqliteItemStore> _opened = [];

    protected override IItemStore NewStore() => Open();

    protected override IItemStore SameStore() => Open();

    private SqliteItemStore Open()
    {
        var store = new SqliteItemStore($"Data Source={Path.Combine(_dir, "items.db")}");
        _opened.Add(store);
        return store;
    }

    public void Dispose()
    {
        _opened.ForEach(s => s.Dispose());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
