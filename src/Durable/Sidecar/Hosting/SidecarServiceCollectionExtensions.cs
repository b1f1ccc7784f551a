using System.Net;
using BatchEmbed.DurableTask.Sidecar.Dispatch;
using BatchEmbed.DurableTask.Sidecar.Grpc;
using BatchEmbed.DurableTask.Sidecar.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BatchEmbed.DurableTask.Sidecar.Hosting;

/// <summary>
/// Puts the durable backend in an ASP.NET Core app: the store, the dispatcher and the gRPC service. The service needs
/// HTTP/2 without TLS (the SDKs' <c>http://</c> addresses), so it gets its own loopback endpoint
/// (<see cref="ListenDurableSidecar"/>) beside the app's HTTP/1 ones.
/// </summary>
public static class SidecarServiceCollectionExtensions
{
    /// <summary>Largest message a worker or client may send (the .NET worker chunks completions at 3.9 MB).</summary>
    public const int MaxReceiveMessageBytes = 64 * 1024 * 1024;

    public static IServiceCollection AddDurableSidecar(this IServiceCollection services, SidecarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton(_ => new SidecarStore(options));
        services.AddSingleton<WorkItemDispatcher>();
        services.AddHostedService<SidecarLifetime>();
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = MaxReceiveMessageBytes;
            o.MaxSendMessageSize = null;
            o.EnableDetailedErrors = false;
        });
        return services;
    }

    /// <summary>Maps <c>TaskHubSidecarService</c>; any Durable Task SDK can then point its worker and client at the endpoint.</summary>
    public static IEndpointRouteBuilder MapDurableSidecar(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<TaskHubSidecarService>();
        return endpoints;
    }

    /// <summary>
    /// An HTTP/2 cleartext endpoint on 127.0.0.1 for the sidecar (port 0: any free port). A worker completes many work
    /// items at once over one connection, so the connection takes up to 1,000 concurrent calls (Kestrel's default is
    /// 100) and larger flow-control windows for work items of a few MB.
    /// </summary>
    public static void ListenDurableSidecar(this KestrelServerOptions kestrel, int port)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Limits.Http2.MaxStreamsPerConnection = Math.Max(kestrel.Limits.Http2.MaxStreamsPerConnection, 1000);
        kestrel.Limits.Http2.InitialConnectionWindowSize = Math.Max(kestrel.Limits.Http2.InitialConnectionWindowSize, 8 * 1024 * 1024);
        kestrel.Limits.Http2.InitialStreamWindowSize = Math.Max(kestrel.Limits.Http2.InitialStreamWindowSize, 4 * 1024 * 1024);
        kestrel.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2);
    }

    /// <summary>Starts dispatching once the host starts; the store and dispatcher close with the container.</summary>
    private sealed class SidecarLifetime(WorkItemDispatcher dispatcher) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            dispatcher.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
