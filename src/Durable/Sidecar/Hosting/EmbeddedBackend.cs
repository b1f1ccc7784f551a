using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Sidecar.Hosting;

/// <summary>
/// The durable backend started inside another program: its own small ASP.NET Core app with the gRPC endpoint on a
/// loopback port (0: any free one). The owner points the SDK's worker and client at <see cref="Address"/> and disposes
/// the backend after them.
/// </summary>
public sealed class EmbeddedBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedBackend(WebApplication app, string address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The backend's gRPC address, <c>http://127.0.0.1:N</c>.</summary>
    public string Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="options">The store and protocol settings.</param>
    /// <param name="port">The loopback port; 0 for any free one.</param>
    /// <param name="logging">Adds log providers (default: none, warnings and up).</param>
    /// <param name="ownsProcess">True when the backend is the program (it then stops on Ctrl+C or SIGTERM); false when embedded, so that its owner decides when it stops.</param>
    public static async Task<EmbeddedBackend> StartAsync(SidecarOptions options, int port = 0, Action<ILoggingBuilder>? logging = null, bool ownsProcess = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        if (!ownsProcess)
        {
            builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        }

        builder.WebHost.ConfigureKestrel(k => k.ListenDurableSidecar(port));
        builder.Services.AddDurableSidecar(options);
        WebApplication app = builder.Build();
        app.MapDurableSidecar();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddedBackend(app, address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Completes when the backend stops (with <c>ownsProcess</c>: on Ctrl+C or SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary>Leaves the process's signals to the owner: the embedded backend stops only when disposed.</summary>
    private sealed class OwnerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
