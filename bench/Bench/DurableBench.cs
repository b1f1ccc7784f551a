using System.Diagnostics;
using BatchEmbed.DurableTask;
using BatchEmbed.DurableTask.Entities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Bench;

/// <summary>
/// The durable runtime on a SQLite file: a fan-out/fan-in of N no-op activities (and the same work as a plain
/// Task.WhenAll in the same run), sequences of 5 activities, and entity operations.
/// </summary>
internal static class DurableBench
{
    public static async Task RunAsync(int fanOut)
    {
        string dir = Directory.CreateTempSubdirectory("bench-durable-").FullName;
        string cs = $"Data Source={Path.Combine(dir, "hub.db")}";
        using IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s =>
            {
                s.AddDurableTaskWorker(b => b.UseSqlite(cs).AddTasks(r => r
                    .AddEntity<Counter>()
                    .AddActivityFunc<int, int>("Noop", (_, i) => i)
                    .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
                        (await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Noop", i)))).Sum(x => (long)x))
                    .AddOrchestratorFunc<int, int>("Sequence5", async (ctx, x) =>
                    {
                        for (int i = 0; i < 5; i++)
                        {
                            x = await ctx.CallActivityAsync<int>("Noop", x + 1);
                        }

                        return x;
                    })));
                s.AddDurableTaskClient(b => b.UseSqlite(cs));
            })
            .Build();
        await host.StartAsync();
        DurableTaskClient client = host.Services.GetRequiredService<DurableTaskClient>();

        // Warm-up: JIT, SQLite page cache.
        await client.WaitForInstanceCompletionAsync(await client.ScheduleNewOrchestrationInstanceAsync("FanOut", 200));

        var sw = Stopwatch.StartNew();
        string id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", fanOut);
        OrchestrationMetadata m = await client.WaitForInstanceCompletionAsync(id, true);
        double durable = sw.Elapsed.TotalSeconds;
        if (m.ReadOutputAs<long>() != (long)fanOut * (fanOut - 1) / 2)
        {
            throw new InvalidOperationException("wrong fan-out result");
        }

        sw.Restart();
        int[] plain = await Task.WhenAll(Enumerable.Range(0, fanOut).Select(i => Task.Run(() => Noop(i))));
        double plainSeconds = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(plain);
        Console.WriteLine(BenchApp.Json(
            ("bench", "durable-fanout"), ("activities", fanOut), ("seconds", Math.Round(durable, 2)), ("activitiesPerSec", Math.Round(fanOut / durable)),
            ("plainWhenAllSeconds", Math.Round(plainSeconds, 4)), ("overheadPerActivityMicros", Math.Round((durable - plainSeconds) / fanOut * 1e6, 1))));

        const int Orchestrations = 500;
        sw.Restart();
        string[] ids = await Task.WhenAll(Enumerable.Range(0, Orchestrations).Select(i => client.ScheduleNewOrchestrationInstanceAsync("Sequence5", i)));
        foreach (string s in ids)
        {
            await client.WaitForInstanceCompletionAsync(s);
        }

        double seq = sw.Elapsed.TotalSeconds;
        Console.WriteLine(BenchApp.Json(("bench", "durable-sequence5"), ("orchestrations", Orchestrations), ("seconds", Math.Round(seq, 2)),
            ("orchestrationsPerSec", Math.Round(Orchestrations / seq, 1)), ("activitiesPerSec", Math.Round(Orchestrations * 5 / seq))));

        const int Ops = 5000;
        const int Entities = 50;
        sw.Restart();
        for (int i = 0; i < Ops; i++)
        {
            await client.Entities.SignalEntityAsync(new EntityInstanceId("Counter", (i % Entities).ToString(System.Globalization.CultureInfo.InvariantCulture)), "Add", 1);
        }

        double signalled = sw.Elapsed.TotalSeconds;
        int total = 0;
        while (total < Ops)
        {
            total = 0;
            await foreach (EntityMetadata e in client.Entities.GetAllEntitiesAsync(new EntityQuery("@counter@")))
            {
                total += e.ReadStateAs<int>();
            }

            await Task.Delay(20);
        }

        double ent = sw.Elapsed.TotalSeconds;
        Console.WriteLine(BenchApp.Json(("bench", "durable-entities"), ("operations", Ops), ("entities", Entities), ("seconds", Math.Round(ent, 2)),
            ("operationsPerSec", Math.Round(Ops / ent)), ("signalSeconds", Math.Round(signalled, 2))));

        await host.StopAsync();
        Directory.Delete(dir, recursive: true);
    }

    private static int Noop(int i) => i;

    private sealed class Counter : TaskEntity<int>
    {
        public void Add(int amount) => State += amount;
    }
}
