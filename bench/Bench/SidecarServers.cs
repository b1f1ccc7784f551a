using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Bench;

/// <summary>
/// The comparison sidecars: Microsoft's public <c>TaskHubGrpcServer</c> (Microsoft.DurableTask.InProcessTestHost)
/// over one of DTFx's orchestration services, the in-memory one of the test host or
/// <c>Microsoft.Azure.DurableTask.AzureStorage</c> (on Azurite). Same protocol, same SDK worker, another backend.
/// <c>sidecar-server inmemory PORT</c> · <c>sidecar-server azurestorage PORT CONNECTION</c>.
/// </summary>
internal static class SidecarServers
{
    public static async Task RunAsync(string kind, int port, string? connection)
    {
        using ILoggerFactory logs = LoggerFactory.Create(l => l.SetMinimumLevel(LogLevel.Warning));
        object service = kind switch
        {
            "inmemory" => new InMemoryOrchestrationService(logs),
            "azurestorage" => await AzureStorageAsync(connection ?? throw new ArgumentException("azurestorage needs a connection string")),
            _ => throw new ArgumentException($"unknown sidecar '{kind}' (inmemory, azurestorage)"),
        };

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton((IOrchestrationService)service);
        builder.Services.AddSingleton((IOrchestrationServiceClient)service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        await using WebApplication app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync();
        Console.WriteLine($"{kind} sidecar listening on {port}");
        await app.WaitForShutdownAsync();
    }

    private static async Task<AzureStorageOrchestrationService> AzureStorageAsync(string connection)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = "benchhub",
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
        });
        await service.CreateIfNotExistsAsync();
        return service;
    }
}
