using BatchEmbed.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Tests;

/// <summary>A real worker and client on a SQLite file, started and stopped like the app's host.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private TestHost(IHost host, string dbPath)
    {
        _host = host;
        DbPath = dbPath;
    }

    public string DbPath { get; }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public static async Task<TestHost> StartAsync(Action<DurableTaskRegistry> tasks, string? dbPath = null, Action<DurableTaskWorkerOptions>? options = null)
    {
        dbPath ??= Path.Combine(Path.GetTempPath(), "durable-tests", Guid.NewGuid().ToString("N") + ".db");
        string cs = $"Data Source={dbPath}";
        IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning))
            .ConfigureServices(s =>
            {
                s.AddDurableTaskWorker(b =>
                {
                    b.AddTasks(tasks).UseSqlite(cs);
                    if (options is not null)
                    {
                        b.Configure(options);
                    }
                });
                s.AddDurableTaskClient(b => b.UseSqlite(cs));
            })
            .Build();
        await host.StartAsync();
        return new TestHost(host, dbPath);
    }

    public async Task<OrchestrationMetadata> RunAsync(TaskName name, object? input = null, string? instanceId = null, int timeoutSeconds = 60)
    {
        string id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(TimeSpan.FromSeconds(10));
        _host.Dispose();
    }
}
