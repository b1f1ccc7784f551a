using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Items.Tables;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// Registers the three stores behind their ports, as <see cref="StorageOptions"/> says: the embedded ones under the
/// data directory (SQLite, local files, the built-in index in a directory), or the Azure ones (Table Storage, Blob
/// Storage, the built-in index in a blob container with a local cache).
/// </summary>
public static class StoreServiceCollectionExtensions
{
    public static IServiceCollection AddStores(this IServiceCollection services, StorageOptions storage, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (!storage.UsesAzure)
        {
            string data = Path.GetFullPath(dataDirectory);
            Directory.CreateDirectory(data);
            services.AddSingleton<IItemStore>(_ => new SqliteItemStore($"Data Source={Path.Combine(data, "items.db")}"));
            services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(Path.Combine(data, "blobs")));
            services.AddSingleton<IVectorStore>(_ => new EmbeddedVectorStore(Path.Combine(data, "vectors")));
            return services;
        }

        (BlobServiceClient blobs, TableServiceClient tables) = Clients(storage);
        services.AddSingleton<IItemStore>(_ => new TableItemStore(tables.GetTableClient(storage.ItemTable)));
        services.AddSingleton<IBlobStore>(_ => new AzureBlobStore(blobs.GetBlobContainerClient(storage.Container)));
        services.AddSingleton<IVectorStore>(_ => EmbeddedVectorStore.InBlobContainer(blobs.GetBlobContainerClient(storage.VectorContainer), storage.EffectiveCacheDirectory));
        return services;
    }

    private static (BlobServiceClient, TableServiceClient) Clients(StorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return (new BlobServiceClient(storage.ConnectionString), new TableServiceClient(storage.ConnectionString));
        }

        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ClientId });
        return (new BlobServiceClient(storage.BlobEndpoint, credential), new TableServiceClient(storage.TableEndpoint, credential));
    }
}
