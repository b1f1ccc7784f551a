using System.Text;
using System.Threading.Channels;
using BatchEmbed.DurableTask.History;
using BatchEmbed.DurableTask.Sqlite;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// Leases activity work items in batches, runs them concurrently, renews their leases while they run, and delivers
/// results in batched transactions. Delivery is at least once: an activity killed mid-run is leased again when its
/// lease expires, and only the first result for a work item is accepted.
/// </summary>
internal sealed class ActivityDispatcher(
    SqliteStore store,
    DurableTaskRegistry registry,
    DurableTaskWorkerOptions options,
    IServiceProvider services,
    ILogger log,
    string workerId) : IDisposable
{
    private readonly Channel<(ActivityWorkItem, HistoryEvent)> _results = Channel.CreateUnbounded<(ActivityWorkItem, HistoryEvent)>();
    private readonly Dictionary<long, ActivityWorkItem> _running = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentActivityWorkItems);

    public async Task RunAsync(WakeSignal wake, CancellationToken stopping)
    {
        Task flusher = FlushResultsAsync(stopping);
        Task renewer = RenewLeasesAsync(stopping);
        TimeSpan idle = options.MinimumPollingInterval;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await _slots.WaitAsync(stopping);
                int free = 1;
                while (free < 256 && _slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                List<ActivityWorkItem> items;
                try
                {
                    items = await store.LockNextActivitiesAsync(workerId, free, stopping);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _slots.Release(free);
                    Log.DispatcherError(log, "activities", ex);
                    await Task.Delay(options.MaximumPollingInterval, stopping);
                    continue;
                }

                if (items.Count < free)
                {
                    _slots.Release(free - items.Count);
                }

                if (items.Count == 0)
                {
                    await wake.WaitAsync(idle, stopping);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaximumPollingInterval.Ticks));
                    continue;
                }

                idle = options.MinimumPollingInterval;
                foreach (ActivityWorkItem item in items)
                {
                    lock (_lock)
                    {
                        _running[item.Sequence] = item;
                    }

                    _ = Task.Run(() => ExecuteAsync(item, stopping), CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        _results.Writer.TryComplete();
        await Task.WhenAll(flusher, renewer).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public void Dispose() => _slots.Dispose();

    private async Task ExecuteAsync(ActivityWorkItem item, CancellationToken stopping)
    {
        try
        {
            HistoryEvent result = await InvokeAsync(item, stopping);
            await _results.Writer.WriteAsync((item, result), CancellationToken.None);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the lease expires and the work item runs again elsewhere.
        }
        finally
        {
            lock (_lock)
            {
                _running.Remove(item.Sequence);
            }

            _slots.Release();
        }
    }

    private async Task<HistoryEvent> InvokeAsync(ActivityWorkItem item, CancellationToken stopping)
    {
        DateTime now = DateTime.UtcNow;
        if (!registry.Activities.TryGetValue(item.Name, out Func<IServiceProvider, ITaskActivity>? factory))
        {
            return Failed(item, now, new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No activity named '{item.Name}' is registered with this worker.",
                Properties: new Dictionary<string, object?> { ["nonRetriable"] = true }));
        }

        try
        {
            ITaskActivity activity = factory(services);
            object? input;
            try
            {
                input = DataConverter.Deserialize(item.Input, activity.InputType);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return Failed(item, now, new TaskFailureDetails(typeof(ArgumentException).FullName!, $"The input of activity '{item.Name}' cannot be read as {activity.InputType.Name}: {ex.Message}",
                    Properties: new Dictionary<string, object?> { ["nonRetriable"] = true }));
            }

            object? output = await activity.RunAsync(new Context(item, stopping), input);
            string? json = DataConverter.Serialize(output);
            int size = json is null ? 0 : Encoding.UTF8.GetByteCount(json);
            if (size > options.MaximumPayloadBytes)
            {
                return Failed(item, now, TaskFailureDetails.FromException(new PayloadTooLargeException($"output of activity '{item.Name}'", size, options.MaximumPayloadBytes), includeStack: false));
            }

            return new HistoryEvent(EventType.TaskCompleted, -1, now) { TaskScheduledId = item.TaskId, Result = json, ExecutionId = item.ExecutionId };
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && stopping.IsCancellationRequested))
        {
            return Failed(item, now, TaskFailureDetails.FromException(ex));
        }
    }

    private static HistoryEvent Failed(ActivityWorkItem item, DateTime now, TaskFailureDetails failure) =>
        new(EventType.TaskFailed, -1, now) { TaskScheduledId = item.TaskId, FailureDetails = failure, ExecutionId = item.ExecutionId };

    private async Task FlushResultsAsync(CancellationToken stopping)
    {
        var batch = new List<(ActivityWorkItem, HistoryEvent)>(512);
        while (await _results.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < 512 && _results.Reader.TryRead(out var r))
            {
                batch.Add(r);
            }

            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await store.CompleteActivitiesAsync(batch, CancellationToken.None);
                    break;
                }
                catch (Exception ex) when (attempt < 5 && !stopping.IsCancellationRequested)
                {
                    Log.DispatcherError(log, "activity results", ex);
                    await Task.Delay(200 * (attempt + 1), CancellationToken.None);
                }
            }
        }
    }

    private async Task RenewLeasesAsync(CancellationToken stopping)
    {
        TimeSpan every = store.Options.LockTimeout / 3;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await Task.Delay(every, stopping);
                long[] sequences;
                lock (_lock)
                {
                    sequences = [.. _running.Keys];
                }

                if (sequences.Length > 0)
                {
                    await store.RenewActivitiesAsync(sequences, workerId, stopping);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class Context(ActivityWorkItem item, CancellationToken cancellationToken) : TaskActivityContext
    {
        public override TaskName Name => item.Name;

        public override string InstanceId => item.InstanceId;

        public override CancellationToken CancellationToken => cancellationToken;
    }
}
