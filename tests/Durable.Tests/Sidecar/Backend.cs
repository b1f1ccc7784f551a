using BatchEmbed.DurableTask.Sidecar;
using BatchEmbed.DurableTask.Sidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>The durable backend in this process, on a SQLite file, listening on a free loopback port.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Backend(WebApplication app, string databasePath, string address)
    {
        _app = app;
        DatabasePath = databasePath;
        Address = address;
    }

    public string DatabasePath { get; }

    public string Address { get; }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "sidecar-tests", Guid.NewGuid().ToString("N"), "hub.db");

    public static async Task<Backend> StartAsync(string? databasePath = null, Func<SidecarOptions, SidecarOptions>? backend = null)
    {
        databasePath ??= NewDatabasePath();
        SidecarOptions options = new() { DatabasePath = databasePath };
        options = backend?.Invoke(options) ?? options;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenDurableSidecar(0));
        builder.Services.AddDurableSidecar(options);
        WebApplication app = builder.Build();
        app.MapDurableSidecar();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Backend(app, databasePath, address);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
