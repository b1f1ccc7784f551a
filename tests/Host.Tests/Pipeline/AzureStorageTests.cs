using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BatchEmbed.Tests.Servers;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// The whole pipeline with <c>Storage__Provider=azure</c> on Azurite: items in Table Storage, batch files and results
/// in one container, the vector index in another. Nothing of the three is kept in the data directory.
/// </summary>
public sealed class AzureStorageTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    private readonly string _name = "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact(Timeout = 180_000)]
    public async Task Import_submit_ingest_compact_and_search_run_on_azure_storage()
    {
        string data = Directory.CreateTempSubdirectory("azure-pipeline-").FullName;
        var settings = Settings(data).ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        settings["Pipeline:PageSize"] = "60";
        await using PipelineHost host = await PipelineHost.StartAsync(settings, dataDir: data);
        var items = EndToEndTests.Corpus(250);
        JsonObject imported = await host.ImportAsync("lines", PipelineHost.Ndjson(items));
        Assert.Equal(250, (int)imported["imported"]!);

        JsonObject submit = await host.SubmitAsync("lines");
        Assert.Equal("submitted", (string)submit["outcome"]!);
        Assert.Equal(5, (int)submit["batches"]!);
        JsonObject ingest = await host.IngestAsync("lines");
        Assert.Equal(0, (int)ingest["open"]!);

        JsonObject stats = await host.StatsAsync("lines");
        Assert.Equal(250, PipelineHost.Count(stats, "Succeeded"));
        Assert.Equal(250, (long)stats["index"]!["vectors"]!);
        Assert.Equal(0, (int)stats["index"]!["pendingDeltas"]!); // compacted
        Assert.Equal("item-0042", (string)(await host.SearchAsync("lines", items[42].Text))[0]!["id"]!);

        // A second submission finds nothing: the sparse index holds no item that is done.
        Assert.Equal("nothing-to-do", (string)(await host.SubmitAsync("lines"))["outcome"]!);

        // Where everything went.
        Assert.False(File.Exists(Path.Combine(data, "items.db")));
        Assert.False(Directory.Exists(Path.Combine(data, "blobs")));
        Assert.False(Directory.Exists(Path.Combine(data, "vectors")));
        var table = new TableClient(azurite.ConnectionString, _name + "items");
        Assert.Equal(250, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"lines"} and RowKey ge {"i:"} and RowKey lt {"i;"}"), select: ["RowKey"]).CountAsync());
        Assert.Equal(0, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"lines"} and RowKey ge {"n:"} and RowKey lt {"n;"}")).CountAsync());
        List<string> files = await NamesAsync(_name + "files");
        Assert.Equal(5, files.Count(f => f.StartsWith("batches/lines/", StringComparison.Ordinal) && f.EndsWith(".jsonl", StringComparison.Ordinal)));
        List<string> index = await NamesAsync(_name + "vectors");
        Assert.Contains(index, n => n.EndsWith("/manifest.json", StringComparison.Ordinal));
        Assert.Single(index, n => n.Contains("/snapshot-", StringComparison.Ordinal));
    }

    [Fact(Timeout = 300_000)]
    public Task A_host_killed_repeatedly_during_ingest_on_azure_storage_loses_nothing_and_pays_nothing_twice() =>
        CrashTests.KillDuringIngestAsync(Settings(Directory.CreateTempSubdirectory("azure-cache-").FullName));

    private Dictionary<string, string> Settings(string data) => new()
    {
        ["Storage__Provider"] = "azure",
        ["Storage__ConnectionString"] = azurite.ConnectionString,
        ["Storage__Container"] = _name + "files",
        ["Storage__VectorContainer"] = _name + "vectors",
        ["Storage__ItemTable"] = _name + "items",
        ["Storage__CacheDirectory"] = Path.Combine(data, "vector-cache"),
    };

    private async Task<List<string>> NamesAsync(string container)
    {
        var names = new List<string>();
        await foreach (BlobItem b in new BlobContainerClient(azurite.ConnectionString, container).GetBlobsAsync(BlobTraits.None, BlobStates.None, null, CancellationToken.None))
        {
            names.Add(b.Name);
        }

        return names;
    }
}
