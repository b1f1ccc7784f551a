using System.Diagnostics;
using BatchEmbed.Connectors.Items.Tables;
using BatchEmbed.Domain.Items;

namespace BatchEmbed.Bench;

/// <summary>
/// <c>table-scaling</c>: whether the item store's cost per item is ours or the server's. The same work, claiming 4,000
/// items (82 transactions of 49 items and their index rows) and reading them back, is timed as the table on Azurite
/// grows to 10,000, 50,000 and 100,000 items. Our side of it does not depend on the table's size (each transaction and
/// each range read is bounded); a server whose lookups are indexed would not either.
/// </summary>
internal static class TableProbe
{
    public static async Task RunAsync()
    {
        string dir = Directory.CreateTempSubdirectory("bench-tables-").FullName;
        using AzuriteProcess azurite = await AzuriteProcess.StartAsync(Path.Combine(dir, "azurite"), inMemory: true)
            ?? throw new InvalidOperationException("Azurite is not installed: npm ci in tools/azurite");
        var store = TableItemStore.FromConnectionString(azurite.ConnectionString, "probe");
        int imported = 0;
        foreach (int size in new[] { 10_000, 50_000, 100_000 })
        {
            string[] ids = [.. Enumerable.Range(imported, size - imported).Select(i => $"p{i:D6}")];
            var sw = Stopwatch.StartNew();
            await store.ImportAsync("lines", ids.Select(id => new CorpusItem(id, "receipt line text of moderate length " + id)).ToAsyncEnumerable(), CancellationToken.None);
            double import = sw.Elapsed.TotalSeconds;
            imported = size;
            sw.Restart();
            await store.MarkPendingAsync("lines", ids[..4000], $"b{size}", CancellationToken.None);
            double claim = sw.Elapsed.TotalSeconds;
            sw.Restart();
            int read = (await store.ClaimedByAsync("lines", ids[..4000], $"b{size}", CancellationToken.None)).Count;
            Console.WriteLine(BenchApp.Json(("bench", "table-scaling"), ("tableItems", size), ("importedItemsPerSec", Math.Round(ids.Length / import)),
                ("claim4000Seconds", Math.Round(claim, 2)), ("read4000Seconds", Math.Round(sw.Elapsed.TotalSeconds, 2)), ("read", read)));
        }

        Directory.Delete(dir, recursive: true);
    }
}
