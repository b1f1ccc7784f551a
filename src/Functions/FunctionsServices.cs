using Azure.Core.Serialization;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Functions;

/// <summary>
/// What the Functions app registers: the settings (app settings <c>Pipeline__*</c>, <c>OpenAI__*</c>, <c>Storage__*</c>,
/// as the standalone host reads them, except that storage defaults to azure on the app's <c>AzureWebJobsStorage</c>), the workflows' services, and JSON as the API writes it for HTTP results and for the
/// Durable payloads (the worker's serializer is what the Durable extension converts inputs and outputs with).
/// </summary>
public static class FunctionsServices
{
    public static IServiceCollection AddBatchEmbed(this IServiceCollection services, IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        PipelineOptions pipeline = SettingsBinding.Bind<PipelineOptions>(config, PipelineOptions.Section).Validate();
        CompletionOptions completions = SettingsBinding.Bind<CompletionOptions>(config, CompletionOptions.Section).Validate();
        ProviderOptions provider = SettingsBinding.Bind<ProviderOptions>(config, ProviderOptions.Section).Validate();
        if (provider.UsesEmulator)
        {
            throw new InvalidOperationException(
                "The Functions app needs OpenAI__Endpoint and OpenAI__ApiKey: the built-in emulator runs only inside the standalone host " +
                "(start it on its own with `dotnet run --project src/OpenAIEmulator` and point OpenAI__Endpoint at it to use it here).");
        }

        StorageOptions storage = SettingsBinding.Bind<StorageOptions>(config, StorageOptions.Section).UseWebJobsStorage(config).Validate();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<WorkerOptions>(o => o.Serializer = new JsonObjectSerializer(ApiJson.Options));
        services.AddPipeline(pipeline, completions, storage, provider, new Uri(provider.Endpoint!.TrimEnd('/') + "/"), provider.ApiKey!);
        return services;
    }
}
