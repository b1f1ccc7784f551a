using System.Globalization;
using BatchEmbed.Durable.SidecarWorker;
using DurableTask.Core.History;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>
/// SIGKILL at any moment loses nothing: the backend process killed and restarted on the same file, again and again,
/// or the worker process killed instead. The results are right, every instance completes exactly once, every
/// activity's side effect is recorded at least once, and no entity operation is lost or applied twice.
/// </summary>
[Collection(BatchEmbed.DurableTask.Tests.KillTests.Name)]
public sealed class BackendCrashTests
{
    private const int FanOutSize = 500;
    private const int Bumps = 1000;
    private const int WorkMs = 40;
    private const int Kills = 5;

    [Fact(Timeout = 300_000)]
    public Task A_500_activity_fan_out_survives_the_backend_being_killed_again_and_again() => FanOutAsync(killBackend: true);

    [Fact(Timeout = 300_000)]
    public Task Entity_calls_and_signals_survive_the_backend_being_killed_again_and_again() => BumpsAsync(killBackend: true);

    [Fact(Timeout = 300_000)]
    public Task A_500_activity_fan_out_survives_the_worker_being_killed_again_and_again() => FanOutAsync(killBackend: false);

    [Fact(Timeout = 300_000)]
    public Task Entity_calls_and_signals_survive_the_worker_being_killed_again_and_again() => BumpsAsync(killBackend: false);

    private static Task FanOutAsync(bool killBackend) => CrashAsync(
        killBackend,
        client => client.ScheduleNewOrchestrationInstanceAsync(CrashWorkload.FanOut, FanOutSize, new StartOrchestrationOptions("crash-fanout")),
        (run, _) => Task.FromResult(CrashWorkload.Recorded(run.Effects).Count),
        FanOutSize,
        AssertFanOutCompleted);

    private static Task BumpsAsync(bool killBackend) => CrashAsync(
        killBackend,
        StartBumps,
        (_, client) => CrashWorkload.AppliedOperations(client),
        2 * Bumps,
        (_, client, midFlight) => AssertBumpsApplied(client, midFlight));

    /// <summary>
    /// Starts the work, then kills and restarts the backend process (the worker runs in this process) or the worker
    /// process (the backend runs in this process) <see cref="Kills"/> times, then checks the outcome.
    /// </summary>
    private static async Task CrashAsync(bool killBackend, Func<DurableTaskClient, Task> start, Func<CrashRun, DurableTaskClient, Task<int>> progress, int total,
        Func<CrashRun, DurableTaskClient, int, Task> verify)
    {
        using var run = new CrashRun();
        Backend? backend = null;
        SdkHost sdk;
        if (killBackend)
        {
            await run.StartBackendAsync();
            sdk = await run.InProcessWorkerAsync();
        }
        else
        {
            backend = await Backend.StartAsync(run.Database);
            sdk = await SdkHost.ClientAsync(backend.Address);
            await run.StartWorkerProcessAsync(backend.Address);
        }

        try
        {
            await start(sdk.Client);
            int midFlight = await run.KillRepeatedlyAsync(
                killBackend ? run.RestartBackendAsync : () => run.RestartWorkerProcessAsync(backend!.Address), () => progress(run, sdk.Client), total);
            await verify(run, sdk.Client, midFlight);
        }
        finally
        {
            await sdk.DisposeAsync();
            if (backend is not null)
            {
                await backend.DisposeAsync();
            }
        }
    }

    private static async Task StartBumps(DurableTaskClient client)
    {
        for (int i = 0; i < Bumps; i++)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(CrashWorkload.Bump, i, new StartOrchestrationOptions($"bump-{i:D4}"));
        }
    }

    private static async Task AssertFanOutCompleted(CrashRun run, DurableTaskClient client, int midFlight)
    {
        OrchestrationMetadata m = await Retry(() => client.WaitForInstanceCompletionAsync("crash-fanout", true));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(CrashWorkload.FanOutSum(FanOutSize), m.ReadOutputAs<long>());
        Assert.True(midFlight >= 3, $"only {midFlight} of {Kills} kills landed while the fan-out was running");

        IList<HistoryEvent> history = await client.GetOrchestrationHistoryAsync("crash-fanout");
        Assert.Single(history, e => e.EventType == EventType.ExecutionCompleted);
        Assert.Equal(FanOutSize, history.Count(e => e.EventType == EventType.TaskScheduled));
        Assert.Equal(FanOutSize, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
        Assert.Equal(FanOutSize, history.Count(e => e.EventType == EventType.TaskCompleted));
        Assert.Equal(Enumerable.Range(0, FanOutSize), CrashWorkload.Recorded(run.Effects).Order());
    }

    private static async Task AssertBumpsApplied(DurableTaskClient client, int midFlight)
    {
        for (int i = 0; i < Bumps; i++)
        {
            string id = $"bump-{i:D4}";
            OrchestrationMetadata m = await Retry(() => client.WaitForInstanceCompletionAsync(id, true));
            Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
            Assert.Single(await client.GetOrchestrationHistoryAsync(id), e => e.EventType == EventType.ExecutionCompleted);
        }

        Assert.True(midFlight >= 3, $"only {midFlight} of {Kills} kills landed while the run was in progress");
        for (int slot = 0; slot < CrashWorkload.Counters; slot++)
        {
            foreach (string kind in new[] { "called", "signalled" })
            {
                var entity = new EntityInstanceId(nameof(CrashCounter), $"{kind}-{slot}");
                int value = (await client.Entities.GetEntityAsync<int>(entity))!.State;
                Assert.True(value == Bumps / CrashWorkload.Counters, $"{entity} is {value}: operations were {(value < Bumps / CrashWorkload.Counters ? "lost" : "applied twice")}");
            }
        }
    }

    /// <summary>Client calls right after a restart may meet a backend that is still starting; try again.</summary>
    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && attempt < 20)
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>One crash run: a database file, a side-effects file, a fixed port, and the processes killed along the way.</summary>
    private sealed class CrashRun : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("sidecar-crash-").FullName;
        private readonly Random _random = new(2026);
        private readonly int _port = ChildProcess.FreePort();
        private ChildProcess? _current;

        public string Database => Path.Combine(_dir, "hub.db");

        public string Effects => Path.Combine(_dir, "side-effects.txt");

        public string Address => $"http://127.0.0.1:{_port}";

        public async Task StartBackendAsync() => _current = await ChildProcess.BackendAsync(_port, Database);

        public async Task RestartBackendAsync()
        {
            await _current!.KillAsync();
            _current.Dispose();
            await StartBackendAsync();
        }

        public Task<SdkHost> InProcessWorkerAsync() => SdkHost.StartAsync(Address, r => CrashWorkload.Register(r, Effects, WorkMs), o => o.Concurrency.MaximumConcurrentActivityWorkItems = 8);

        public async Task StartWorkerProcessAsync(string backend) => _current = await ChildProcess.StartAsync(
            "BatchEmbed.Durable.SidecarWorker.dll", [backend, Effects, WorkMs.ToString(CultureInfo.InvariantCulture), "8"], "READY");

        public async Task RestartWorkerProcessAsync(string backend)
        {
            await _current!.KillAsync();
            _current.Dispose();
            await StartWorkerProcessAsync(backend);
        }

        /// <summary>
        /// Kills and restarts <see cref="Kills"/> times, each time at a random moment after the run made progress again
        /// (a restarted process reconnects first); returns how many kills found the run part done.
        /// </summary>
        public async Task<int> KillRepeatedlyAsync(Func<Task> killAndRestart, Func<Task<int>> progress, int total)
        {
            int midFlight = 0;
            int last = await Retry(progress);
            for (int round = 0; round < Kills; round++)
            {
                for (int waited = 0; waited < 30_000 && last < total && await Retry(progress) == last; waited += 50)
                {
                    await Task.Delay(50);
                }

                await Task.Delay(_random.Next(100, 800));
                last = await Retry(progress);
                if (last > 0 && last < total)
                {
                    midFlight++;
                }

                await killAndRestart();
            }

            return midFlight;
        }

        public void Dispose()
        {
            _current?.Dispose();
            SqliteCleanup();
        }

        private void SqliteCleanup()
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
