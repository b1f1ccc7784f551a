using BatchEmbed.DurableTask.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// The worker: three dispatch loops (orchestrations, activities, entities) over the store. Idle loops back off, and
/// work committed by this process wakes them at once.
/// </summary>
public sealed class DurableTaskWorker : BackgroundService
{
    private readonly SqliteStore _store;
    private readonly DurableTaskRegistry _registry;
    private readonly DurableTaskWorkerOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly WakeSignal _orchestrationWake = new();
    private readonly WakeSignal _activityWake = new();
    private readonly WakeSignal _entityWake = new();

    internal DurableTaskWorker(SqliteStore store, DurableTaskRegistry registry, DurableTaskWorkerOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _store = store;
        _registry = registry;
        _options = options.Validate();
        _services = services;
        _loggerFactory = loggerFactory;
        _log = loggerFactory.CreateLogger("BatchEmbed.DurableTask.Worker");
        WorkerId = WorkerIdentity.Create();
    }

    public string WorkerId { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _store.WorkAvailable += Wake;
        Log.WorkerStarted(_log, WorkerId, "sqlite");
        int released = await _store.ReleaseLocksAsync(owner => WorkerIdentity.IsDead(owner, WorkerId), stoppingToken);
        if (released > 0)
        {
            Log.ReleasedDeadLocks(_log, released);
        }

        try
        {
            using var activities = new ActivityDispatcher(_store, _registry, _options, _services, _log, WorkerId);
            var orchestrations = new OrchestrationDispatcher(_store, _registry, _options, _services, _loggerFactory, WorkerId);
            var entities = new EntityDispatcher(_store, _registry, _services, _log, WorkerId);
            await Task.WhenAll(
                Task.Run(() => OrchestrationLoopAsync(orchestrations, stoppingToken), CancellationToken.None),
                Task.Run(() => activities.RunAsync(_activityWake, stoppingToken), CancellationToken.None),
                Task.Run(() => EntityLoopAsync(entities, stoppingToken), CancellationToken.None));
        }
        finally
        {
            _store.WorkAvailable -= Wake;
        }
    }

    private void Wake()
    {
        _orchestrationWake.Set();
        _activityWake.Set();
        _entityWake.Set();
    }

    private async Task OrchestrationLoopAsync(OrchestrationDispatcher dispatcher, CancellationToken stopping)
    {
        using var slots = new SemaphoreSlim(_options.MaxConcurrentOrchestrationWorkItems);
        TimeSpan idle = _options.MinimumPollingInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stopping);
                OrchestrationWorkItem? item = await _store.LockNextOrchestrationAsync(WorkerId, stopping);
                if (item is null)
                {
                    slots.Release();
                    await _orchestrationWake.WaitAsync(idle, stopping);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaximumPollingInterval.Ticks));
                    continue;
                }

                idle = _options.MinimumPollingInterval;
                _ = Task.Run(
                    async () =>
                    {
                        try
                        {
                            await dispatcher.RunEpisodeAsync(item, stopping);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException)
                        {
                            Log.DispatcherError(_log, "orchestrations", ex);
                            await _store.AbandonOrchestrationAsync(item.InstanceId, WorkerId, CancellationToken.None);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    },
                    CancellationToken.None);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.DispatcherError(_log, "orchestrations", ex);
                await Task.Delay(_options.MaximumPollingInterval, CancellationToken.None);
            }
        }

        // Let in-flight episodes finish before the semaphore is disposed.
        for (int i = 0; i < _options.MaxConcurrentOrchestrationWorkItems; i++)
        {
            await slots.WaitAsync(CancellationToken.None);
        }
    }

    private async Task EntityLoopAsync(EntityDispatcher dispatcher, CancellationToken stopping)
    {
        TimeSpan idle = _options.MinimumPollingInterval;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                EntityWorkItem? item = await _store.LockNextEntityAsync(WorkerId, _options.MaxEntityOperationBatchSize, stopping);
                if (item is null)
                {
                    await _entityWake.WaitAsync(idle, stopping);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _options.MaximumPollingInterval.Ticks));
                    continue;
                }

                idle = _options.MinimumPollingInterval;
                await dispatcher.RunBatchAsync(item, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.DispatcherError(_log, "entities", ex);
                await Task.Delay(_options.MaximumPollingInterval, CancellationToken.None);
            }
        }
    }
}
