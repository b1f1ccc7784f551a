using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>The real Durable Task SDK (Microsoft.DurableTask 1.28.0): a gRPC worker and client on a backend's address, entities on.</summary>
internal sealed class SdkHost : IAsyncDisposable
{
    private readonly IHost _host;

    private SdkHost(IHost host) => _host = host;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>A client only (no worker), for tests where the worker runs in another process.</summary>
    public static Task<SdkHost> ClientAsync(string address) => StartAsync(address, tasks: null);

    public static async Task<SdkHost> StartAsync(string address, Action<DurableTaskRegistry>? tasks, Action<DurableTaskWorkerOptions>? worker = null,
        DurableTaskWorkerWorkItemFilters? filters = null)
    {
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s =>
            {
                if (tasks is null)
                {
                    AddClient(s, address);
                    return;
                }

                s.AddDurableTaskWorker(b =>
                {
                    b.AddTasks(tasks);
                    b.UseGrpc(address);
                    if (filters is not null)
                    {
                        b.UseWorkItemFilters(filters);
                    }

                    b.Configure(o =>
                    {
                        o.EnableEntitySupport = true;
                        worker?.Invoke(o);
                    });
                });
                AddClient(s, address);
            })
            .Build();
        await host.StartAsync();
        return new SdkHost(host);
    }

    private static void AddClient(IServiceCollection services, string address) => services.AddDurableTaskClient(b =>
    {
        b.UseGrpc(address);
        b.Configure(o => o.EnableEntitySupport = true);
    });

    public async Task<OrchestrationMetadata> RunAsync(TaskName name, object? input = null, string? instanceId = null, int timeoutSeconds = 60)
    {
        string id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId));
        return await WaitAsync(id, timeoutSeconds);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int timeoutSeconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}

/// <summary>A backend and an SDK host on it, started and stopped together.</summary>
internal sealed class SidecarHarness : IAsyncDisposable
{
    private SidecarHarness(Backend backend, SdkHost sdk)
    {
        Backend = backend;
        Sdk = sdk;
    }

    public Backend Backend { get; }

    public SdkHost Sdk { get; }

    public DurableTaskClient Client => Sdk.Client;

    public static async Task<SidecarHarness> StartAsync(Action<DurableTaskRegistry> tasks, string? databasePath = null, Action<DurableTaskWorkerOptions>? worker = null,
        Func<BatchEmbed.DurableTask.Sidecar.SidecarOptions, BatchEmbed.DurableTask.Sidecar.SidecarOptions>? backend = null)
    {
        Backend b = await Backend.StartAsync(databasePath, backend);
        return new SidecarHarness(b, await SdkHost.StartAsync(b.Address, tasks, worker));
    }

    public Task<OrchestrationMetadata> RunAsync(TaskName name, object? input = null, string? instanceId = null, int timeoutSeconds = 60) =>
        Sdk.RunAsync(name, input, instanceId, timeoutSeconds);

    public async ValueTask DisposeAsync()
    {
        await Sdk.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
