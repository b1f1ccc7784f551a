using BatchEmbed.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: CrashHost DB_PATH SIDE_EFFECTS_FILE INSTANCE_ID COUNT DELAY_MS CONCURRENCY
// Starts the fan-out if the instance does not exist yet, then works until it completes and prints "COMPLETED <output>".
string db = args[0];
string sideEffects = args[1];
string instanceId = args[2];
int count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
int delayMs = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
int concurrency = int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture);
var gate = new Lock();

using IHost host = Host.CreateDefaultBuilder()
    .ConfigureLogging(l => l.ClearProviders())
    .ConfigureServices(s =>
    {
        s.AddDurableTaskWorker(b => b
            .AddTasks(r => r
                .AddActivityFunc<int, long>("Work", async (_, i) =>
                {
                    await Task.Delay(delayMs);
                    lock (gate)
                    {
                        File.AppendAllText(sideEffects, $"{i}\n");
                    }

                    return (long)i * 2;
                })
                .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
                {
                    long[] parts = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<long>("Work", i)));
                    return parts.Sum();
                }))
            .UseSqlite($"Data Source={db}")
            .Configure(o => o.MaxConcurrentActivityWorkItems = concurrency));
        s.AddDurableTaskClient(b => b.UseSqlite($"Data Source={db}"));
    })
    .Build();
await host.StartAsync();
DurableTaskClient client = host.Services.GetRequiredService<DurableTaskClient>();
if (await client.GetInstanceAsync(instanceId) is null)
{
    await client.ScheduleNewOrchestrationInstanceAsync("FanOut", count, new StartOrchestrationOptions(instanceId));
}

Console.WriteLine("STARTED");
OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(instanceId, true);
Console.WriteLine($"COMPLETED {done.RuntimeStatus} {done.SerializedOutput}");
await host.StopAsync();
