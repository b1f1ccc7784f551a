using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Items.Tables;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Items;
using BatchEmbed.Tests.Servers;
using BatchEmbed.Workflows.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Functions.Tests;

/// <summary>The Functions app keeps its stores in the storage account of <c>AzureWebJobsStorage</c> unless told otherwise.</summary>
public sealed class FunctionsStorageTests(AzuriteServer azurite) : IClassFixture<AzuriteServer>
{
    [Fact(Timeout = 60_000)]
    public async Task With_only_AzureWebJobsStorage_set_the_app_keeps_items_blobs_and_vectors_in_that_account()
    {
        await using ServiceProvider app = Build(new() { ["AzureWebJobsStorage"] = azurite.ConnectionString });
        Assert.IsType<TableItemStore>(app.GetRequiredService<IItemStore>());
        Assert.IsType<AzureBlobStore>(app.GetRequiredService<IBlobStore>());

        IItemStore items = app.GetRequiredService<IItemStore>();
        ImportResult r = await items.ImportAsync("lines", new[] { new CorpusItem("a", "one line") }.ToAsyncEnumerable(), CancellationToken.None);
        Assert.Equal(1, r.Imported);
        await app.GetRequiredService<IVectorStore>().WriteDeltaAsync("lines", [new VectorRecord("a", [1, 0])], [], CancellationToken.None);

        // Another instance of the app (scale-out) sees the same item and vector.
        await using ServiceProvider other = Build(new() { ["AzureWebJobsStorage"] = azurite.ConnectionString });
        Assert.Equal("one line", (await other.GetRequiredService<IItemStore>().GetAsync("lines", "a", CancellationToken.None))!.Text);
        Assert.Equal(1, (await other.GetRequiredService<IVectorStore>().GetStatsAsync("lines", CancellationToken.None)).Vectors);
    }

    [Fact]
    public void An_identity_based_AzureWebJobsStorage_gives_service_endpoints_and_a_managed_identity_not_a_key()
    {
        IConfiguration config = Config(new()
        {
            ["AzureWebJobsStorage:accountName"] = "batchembedprod",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });
        StorageOptions storage = SettingsBinding.Bind<StorageOptions>(config, StorageOptions.Section).UseWebJobsStorage(config).Validate();
        Assert.True(storage.UsesAzure);
        Assert.Null(storage.ConnectionString);
        Assert.Equal(new Uri("https://batchembedprod.blob.core.windows.net/"), storage.BlobEndpoint);
        Assert.Equal(new Uri("https://batchembedprod.table.core.windows.net/"), storage.TableEndpoint);
        Assert.Equal("00000000-0000-0000-0000-000000000001", storage.ClientId);
        Assert.Contains("DefaultAzureCredential", storage.Describe("."), StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_settings_that_cannot_work_stop_the_app_with_what_to_set_and_never_echo_a_key()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Build([]));
        Assert.Contains("Storage__ConnectionString", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<InvalidOperationException>(() => Build(new() { ["Storage:Provider"] = "s3" }));
        Assert.Contains("Storage__Provider", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<InvalidOperationException>(() => Build(new() { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Storage:ItemTable"] = "no-dashes" }));
        Assert.Contains("Storage__ItemTable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", ex.Message, StringComparison.Ordinal);

        var described = SettingsBinding.Bind<StorageOptions>(Config(new() { ["Storage:Provider"] = "azure", ["Storage:ConnectionString"] = azurite.ConnectionString }), StorageOptions.Section).Validate();
        Assert.DoesNotContain("AccountKey", described.Describe("."), StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["Pipeline:DataDirectory"] = Directory.CreateTempSubdirectory("functions-storage-").FullName;
        settings["OpenAI:Endpoint"] = "http://127.0.0.1:9/v1/";
        settings["OpenAI:ApiKey"] = "test-key";
        settings["Storage:CacheDirectory"] = Path.Combine(settings["Pipeline:DataDirectory"]!, "cache");
        return new ServiceCollection().AddLogging(l => l.ClearProviders()).AddBatchEmbed(Config(settings)).BuildServiceProvider();
    }

    private static IConfiguration Config(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
