using BatchEmbed.OpenAIEmulator.Api;
using BatchEmbed.OpenAIEmulator.Processing;
using BatchEmbed.OpenAIEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.OpenAIEmulator;

/// <summary>Registers and maps the emulator, in its own process or inside another host.</summary>
public static class EmulatorEndpoints
{
    public static IServiceCollection AddOpenAIEmulator(this IServiceCollection services, EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(_ => new EmulatorStore(options.DataDirectory));
        services.AddSingleton<BatchProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<BatchProcessor>());
        return services;
    }

    /// <summary>Maps the API under <c>/v1</c> (OpenAI) and <c>/openai/v1</c> (Azure OpenAI v1), both key-protected.</summary>
    public static IEndpointRouteBuilder MapOpenAIEmulator(this IEndpointRouteBuilder endpoints)
    {
        foreach (string prefix in new[] { "/v1", "/openai/v1" })
        {
            RouteGroupBuilder api = endpoints.MapGroup(prefix);
            api.AddEndpointFilter<ApiKeyFilter>();
            FilesApi.Map(api);
            BatchesApi.Map(api);
            InferenceApi.Map(api);
        }

        return endpoints;
    }
}
