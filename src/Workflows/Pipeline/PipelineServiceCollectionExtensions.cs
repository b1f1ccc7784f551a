using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// What both hosts register for the workflows: the stores (<see cref="StoreServiceCollectionExtensions"/>) and the
/// batch provider as singletons behind their ports, and the services the activities and HTTP handlers use. The ones that need a <c>DurableTaskClient</c>
/// (<see cref="ClientServices"/>) are registered by a host that has one in its container (the standalone host); the
/// Functions app gets its client per invocation from the <c>[DurableClient]</c> binding (<see cref="ClientBoundServices"/>).
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, PipelineOptions pipeline, CompletionOptions completions, StorageOptions storage, ProviderOptions provider, Uri endpoint, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
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
        services.AddSingleton(completions);
        services.AddSingleton(new CompletionConfig(completions, pipeline, batchProvider.Profile));
        services.AddSingleton<ReceiptContexts>();
        services.AddSingleton<LabelImporter>();
        services.AddSingleton<IBatchProvider>(batchProvider);
        services.AddStores(storage, pipeline.DataDirectory);
        services.AddSingleton<SyncRateLimiter>();
        services.AddSingleton<SyncEmbedder>();
        services.AddSingleton<MigrationCatalog>();
        services.AddSingleton<EmbeddingTargets>();
        services.AddSingleton<MigrationAdoption>();
        services.AddSingleton<ResultFiles>();
        return services;
    }

    /// <summary>The services built on a <c>DurableTaskClient</c>: entity reads, starts, stats, the timer's work.</summary>
    public static IReadOnlyList<Type> ClientServices { get; } = [typeof(BatchSummaries), typeof(RunStarter), typeof(CollectionStatsReader), typeof(PollPending), typeof(MigrationOperations)];

    /// <summary>Registers <see cref="ClientServices"/> as singletons over the container's <c>DurableTaskClient</c>.</summary>
    public static IServiceCollection AddDurableClientServices(this IServiceCollection services)
    {
        foreach (Type type in ClientServices)
        {
            services.AddSingleton(type);
        }

        return services;
    }
}
