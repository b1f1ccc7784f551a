using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Hosting.Tests;

/// <summary>The Durable Task SDK's gRPC client alone, on a backend's address: to look at what a host left there.</summary>
internal sealed class SdkClient : IAsyncDisposable
{
    private readonly IHost _host;

    private SdkClient(IHost host) => _host = host;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<SdkClient> StartAsync(string address)
    {
        IHost host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s => s.AddDurableTaskClient(b => b.UseGrpc(address).Configure(o => o.EnableEntitySupport = true)))
            .Build();
        await host.StartAsync();
        return new SdkClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
