using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Bench;

/// <summary>
/// The same workloads through the same real SDK worker and client (Microsoft.DurableTask 1.28.0, in this process),
/// against three backends, each its own process, in one run: ours (the standalone backend on a SQLite file); the
/// in-memory service of Microsoft.DurableTask.InProcessTestHost behind its public TaskHubGrpcServer, with its
/// concurrency cap (Environment.ProcessorCount work items) lifted by running it with DOTNET_PROCESSOR_COUNT=256; and
/// Microsoft.Azure.DurableTask.AzureStorage on Azurite behind the same TaskHubGrpcServer.
/// <c>sidecar FANOUT ORCHESTRATIONS ENTITYOPS [AZURE-FANOUT AZURE-ORCHESTRATIONS]</c>.
/// </summary>
internal static class SidecarBench
{
    private const int Entities = 50;

    public static async Task RunAsync(int fanOut, int orchestrations, int entityOps, int azureFanOut, int azureOrchestrations)
    {
        string dir = Directory.CreateTempSubdirectory("bench-sidecar-").FullName;
        string bin = AppContext.BaseDirectory;
        var results = new Dictionary<string, Result>();

        int port = BenchProcess.FreePort();
        using (await BenchProcess.StartAsync("dotnet", [Path.Combine(bin, "BatchEmbed.DurableTask.dll"), "--port", Port(port), "--database", Path.Combine(dir, "hub.db")], "listening"))
        {
            results["ours"] = await MeasureAsync("ours", port, fanOut, orchestrations, entityOps);
        }

        port = BenchProcess.FreePort();
        using (await BenchProcess.StartAsync("dotnet", [Path.Combine(bin, "BatchEmbed.Bench.dll"), "sidecar-server", "inmemory", Port(port)], "listening",
            new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "256" }))
        {
            results["inmemory"] = await MeasureAsync("inmemory", port, fanOut, orchestrations, 0);
        }

        using AzuriteProcess? storage = await AzuriteProcess.StartAsync(Path.Combine(dir, "azurite"));
        if (storage is not null)
        {
            port = BenchProcess.FreePort();
            using (await BenchProcess.StartAsync("dotnet", [Path.Combine(bin, "BatchEmbed.Bench.dll"), "sidecar-server", "azurestorage", Port(port), storage.ConnectionString], "listening"))
            {
                results["azurestorage"] = await MeasureAsync("azurestorage", port, azureFanOut, azureOrchestrations, 0);
            }
        }
        else
        {
            Console.WriteLine(BenchApp.Json(("bench", "sidecar"), ("skipped", "azurestorage: tools/azurite is not installed (npm ci there)")));
        }

        Result ours = results["ours"];
        foreach ((string name, Result other) in results.Where(r => r.Key != "ours"))
        {
            Console.WriteLine(BenchApp.Json(("bench", "sidecar-ratio"), ("versus", name),
                ("fanOutActivitiesPerSec", Math.Round(ours.FanOutPerSec / other.FanOutPerSec, 1)),
                ("orchestrationsPerSec", Math.Round(ours.OrchestrationsPerSec / other.OrchestrationsPerSec, 1))));
        }

        Directory.Delete(dir, recursive: true);
    }

    /// <summary><c>sidecar-at PORT FANOUT ORCHESTRATIONS ENTITYOPS</c>: the workloads against a backend that is already running.</summary>
    public static Task AtAsync(int port, int fanOut, int orchestrations, int entityOps) => MeasureAsync($"127.0.0.1:{port}", port, fanOut, orchestrations, entityOps);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static async Task<Result> MeasureAsync(string backend, int port, int fanOut, int orchestrations, int entityOps)
    {
        string address = $"http://127.0.0.1:{port}";
        bool entities = entityOps > 0;
        using IHost host = Host.CreateDefaultBuilder()
            .ConfigureLogging(l => l.ClearProviders())
            .ConfigureServices(s =>
            {
                s.AddDurableTaskWorker(b => b.UseGrpc(address).Configure(o => o.EnableEntitySupport = entities).AddTasks(r => r
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
                s.AddDurableTaskClient(b => b.UseGrpc(address).Configure(o => o.EnableEntitySupport = entities));
            })
            .Build();
        await host.StartAsync();
        DurableTaskClient client = host.Services.GetRequiredService<DurableTaskClient>();

        // Warm-up, the same for every backend: JIT (the SDK's replay code tiers up only after many events), connections, caches.
        await RunFanOut(client, Math.Min(2000, fanOut));
        await Task.WhenAll(Enumerable.Range(0, Math.Min(50, orchestrations)).Select(async i =>
            await client.WaitForInstanceCompletionAsync(await client.ScheduleNewOrchestrationInstanceAsync("Sequence5", i))));
        var sw = Stopwatch.StartNew();
        string fanOutId = await RunFanOut(client, fanOut);
        double fanOutSeconds = sw.Elapsed.TotalSeconds;
        int episodes = (await client.GetOrchestrationHistoryAsync(fanOutId)).Count(e => e.EventType == global::DurableTask.Core.History.EventType.OrchestratorStarted);
        var fields = new List<(string, object)> { ("bench", "sidecar-fanout"), ("backend", backend), ("activities", fanOut), ("seconds", Math.Round(fanOutSeconds, 2)),
            ("activitiesPerSec", Math.Round(fanOut / fanOutSeconds)) };
        if (episodes > 0)
        {
            fields.Add(("episodes", episodes)); // the comparison sidecars don't stream their histories back to clients
        }

        Console.WriteLine(BenchApp.Json([.. fields]));

        sw.Restart();
        string[] ids = await Task.WhenAll(Enumerable.Range(0, orchestrations).Select(i => client.ScheduleNewOrchestrationInstanceAsync("Sequence5", i)));
        foreach (string id in ids)
        {
            OrchestrationMetadata m = await client.WaitForInstanceCompletionAsync(id, true);
            if (m.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"{backend}: a sequence ended {m.RuntimeStatus}");
            }
        }

        double sequenceSeconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine(BenchApp.Json(("bench", "sidecar-sequence5"), ("backend", backend), ("orchestrations", orchestrations), ("seconds", Math.Round(sequenceSeconds, 2)),
            ("orchestrationsPerSec", Math.Round(orchestrations / sequenceSeconds, 1)), ("activitiesPerSec", Math.Round(orchestrations * 5 / sequenceSeconds))));

        if (entities)
        {
            await MeasureEntitiesAsync(backend, client, entityOps);
        }

        await host.StopAsync();
        return new Result(fanOut / fanOutSeconds, orchestrations / sequenceSeconds);
    }

    private static async Task<string> RunFanOut(DurableTaskClient client, int n)
    {
        string id = await client.ScheduleNewOrchestrationInstanceAsync("FanOut", n);
        OrchestrationMetadata m = await client.WaitForInstanceCompletionAsync(id, true);
        if (m.RuntimeStatus != OrchestrationRuntimeStatus.Completed || m.ReadOutputAs<long>() != (long)n * (n - 1) / 2)
        {
            throw new InvalidOperationException($"the fan-out of {n} ended {m.RuntimeStatus} with {m.SerializedOutput}");
        }

        return id;
    }

    private static async Task MeasureEntitiesAsync(string backend, DurableTaskClient client, int ops)
    {
        var sw = Stopwatch.StartNew();
        for (int start = 0; start < ops; start += 100)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(100, ops - start)).Select(i =>
                client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Counter), (i % Entities).ToString(CultureInfo.InvariantCulture)), "add", 1)));
        }

        double signalled = sw.Elapsed.TotalSeconds;
        int total = 0;
        while (total < ops)
        {
            total = 0;
            await foreach (EntityMetadata e in client.Entities.GetAllEntitiesAsync(new EntityQuery { InstanceIdStartsWith = "@counter@" }))
            {
                total += e.State.ReadAs<int>();
            }

            await Task.Delay(10);
        }

        double seconds = sw.Elapsed.TotalSeconds;
        Console.WriteLine(BenchApp.Json(("bench", "sidecar-entities"), ("backend", backend), ("operations", ops), ("entities", Entities), ("seconds", Math.Round(seconds, 2)),
            ("operationsPerSec", Math.Round(ops / seconds)), ("signalSeconds", Math.Round(signalled, 2))));
    }

    private sealed record Result(double FanOutPerSec, double OrchestrationsPerSec);

    private sealed class Counter : TaskEntity<int>
    {
        public void Add(int amount) => State += amount;
    }
}
