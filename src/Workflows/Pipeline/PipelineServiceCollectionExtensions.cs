using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// What both hosts register for the workflows: the embedded stores and the batch provider as singletons behind their
/// ports, and the services the activities and HTTP handlers use.
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, PipelineOptions pipeline, ProviderOptions provider, Uri endpoint, string apiKey)
    {
        string data = Path.GetFullPath(pipeline.DataDirectory);
        Directory.CreateDirectory(data);
        var providerOptions = new OpenAIProviderOptions
        {
            Profile = provider.EffectiveProfile,
            Endpoint = endpoint,
            ApiKey = apiKey,
            NetworkTimeout = TimeSpan.FromSeconds(provider.NetworkTimeoutSeconds),
        };
        var batchProvider = new OpenAIBatchProvider(providerOptions);
        services.AddSingleton(pipeline);
        services.AddSingleton(new EmbeddingConfig(pipeline, batchProvider.Profile));
        services.AddSingleton<IBatchProvider>(batchProvider);
        services.AddSingleton<IItemStore>(_ => new SqliteItemStore($"Data Source={Path.Combine(data, "items.db")}"));
        services.AddSingleton<IBlobStore>(_ => new FileSystemBlobStore(Path.Combine(data, "blobs")));
        services.AddSingleton<IVectorStore>(_ => new EmbeddedVectorStore(Path.Combine(data, "vectors")));
        services.AddSingleton<BatchSummaries>();
        services.AddSingleton<SyncRateLimiter>();
        services.AddSingleton<SyncEmbedder>();
        services.AddSingleton<ResultFiles>();
        services.AddSingleton<RunStarter>();
        services.AddSingleton<CollectionStatsReader>();
        services.AddSingleton<PollPending>();
        return services;
    }
}
