using System.Globalization;
using BatchEmbed.DurableTask.Sidecar.Store;
using Microsoft.Extensions.Logging;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>
/// Hands work to connected workers and takes their completions. It keeps in memory what is ready (orchestrations and
/// entities with visible messages, queued activities) and what each worker holds: an orchestration or entity is held
/// by one worker at a time, and within a worker's announced limits. A work item's lease lasts as long as its worker's
/// stream: it is never handed to another while that worker is connected, and is handed out again as soon as the
/// stream ends. Nothing about leases is stored, so after a restart every unfinished item is simply handed out again.
/// Work becomes ready through the store's commit notices (in commit order), through timers, and through recovery.
/// </summary>
internal sealed partial class WorkItemDispatcher : IAsyncDisposable
{
    private const int ActivityPage = 1000;
    private const int MaxReadyActivities = 50_000;

    /// <summary>New events (or entity operations) per work item, in bytes: with the past history under the streaming
    /// threshold, a work item stays under the 4 MB the SDKs' gRPC channels take by default.</summary>
    private const int MaxNewEventBytes = 1536 * 1024;

    private readonly SidecarStore _store;
    private readonly SidecarOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly WakeSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..8];
    private readonly List<WorkerStream> _streams = [];
    private readonly PriorityQueue<TimerEntry, long> _timers = new();
    private readonly InstanceWatchers _watchers = new();
    private long _nextToken;
    private long _nextStream;
    private Task _loop = Task.CompletedTask;

    public WorkItemDispatcher(SidecarStore store, SidecarOptions options, ILogger<WorkItemDispatcher> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _store.Committed = OnCommitted;
    }

    public SidecarStore Store => _store;

    public InstanceWatchers Watchers => _watchers;

    /// <summary>Loads what the file has queued, then starts dispatching.</summary>
    public void Start()
    {
        WorkNotice queued = _store.Recover();
        lock (_gate)
        {
            _activityBacklog = true;
            Route(queued);
        }

        int orchestrations = queued.Orchestrations.Select(o => o.InstanceId).Distinct().Count();
        int entities = queued.Entities.Select(e => e.EntityId).Distinct().Count();
        Log.BackendStarted(_logger, _store.Options.DatabasePath, orchestrations, entities);
        _loop = Task.Run(RunAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    /// <summary>Registers a worker's stream; it gets work until <see cref="Disconnect"/>.</summary>
    public WorkerStream Connect(P.GetWorkItemsRequest request)
    {
        var stream = new WorkerStream(Interlocked.Increment(ref _nextStream), request);
        lock (_gate)
        {
            _streams.Add(stream);
        }

        Log.StreamConnected(_logger, stream.Id, request.MaxConcurrentOrchestrationWorkItems, request.MaxConcurrentActivityWorkItems, request.MaxConcurrentEntityWorkItems);
        _wake.Set();
        return stream;
    }

    /// <summary>A worker's stream ended: everything it held (and has not started to commit) is ready again.</summary>
    public void Disconnect(WorkerStream stream)
    {
        int released;
        lock (_gate)
        {
            stream.Closed = true;
            stream.Outbox.Writer.TryComplete();
            _streams.Remove(stream);
            released = _orchestrations.Release(stream) + ReleaseActivities(stream) + _entities.Release(stream);
        }

        Log.StreamClosed(_logger, stream.Id, released);
        _wake.Set();
    }

    private string NewToken(char kind, long? sequence = null) => sequence is { } seq
        ? string.Create(CultureInfo.InvariantCulture, $"{kind}.{seq}.{_epoch}.{Interlocked.Increment(ref _nextToken)}")
        : string.Create(CultureInfo.InvariantCulture, $"{kind}.{_epoch}.{Interlocked.Increment(ref _nextToken)}");

    /// <summary>Called by the store's writer after each commit, in commit order.</summary>
    private void OnCommitted(WorkNotice notice)
    {
        lock (_gate)
        {
            Route(notice);
        }

        _watchers.Changed(notice.ChangedInstances);
        _wake.Set();
    }

    private void Route(WorkNotice notice)
    {
        long now = SidecarStore.Now();
        foreach ((string id, long visibleAt) in notice.Orchestrations)
        {
            if (visibleAt > now)
            {
                _timers.Enqueue(new TimerEntry(TimerKind.Orchestration, id, null), visibleAt);
            }
            else
            {
                OrchestrationReady(id);
            }
        }

        foreach ((string id, long visibleAt) in notice.Entities)
        {
            if (visibleAt > now)
            {
                _timers.Enqueue(new TimerEntry(TimerKind.Entity, id, null), visibleAt);
            }
            else
            {
                EntityReady(id);
            }
        }

        foreach (QueuedActivity activity in notice.Activities)
        {
            ActivityQueued(activity);
        }
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TimeSpan wait;
            bool loadActivities;
            lock (_gate)
            {
                long now = SidecarStore.Now();
                while (_timers.TryPeek(out TimerEntry? due, out long at) && at <= now)
                {
                    _timers.Dequeue();
                    Fire(due);
                }

                DispatchActivities();
                DispatchOrchestrations();
                DispatchEntities();
                loadActivities = NeedActivities();
                wait = _timers.TryPeek(out _, out long next) ? TimeSpan.FromMilliseconds(Math.Clamp(next - now, 1, 1000)) : TimeSpan.FromSeconds(1);
            }

            if (loadActivities)
            {
                LoadActivities();
                continue;
            }

            try
            {
                await _wake.WaitAsync(wait, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Fire(TimerEntry due)
    {
        switch (due.Kind)
        {
            case TimerKind.Orchestration:
                OrchestrationReady(due.Id);
                break;
            case TimerKind.Entity:
                EntityReady(due.Id);
                break;
            case TimerKind.Activity:
                _readyActivities.AddFirst(due.Activity!);
                break;
        }
    }

    private void After(TimeSpan delay, TimerEntry entry) => _timers.Enqueue(entry, SidecarStore.Now() + (long)delay.TotalMilliseconds);

    private void Failed(string kind, string id, Exception e)
    {
        if (!_stop.IsCancellationRequested)
        {
            Log.DispatchFailed(_logger, kind, id, e);
        }
    }

    private enum TimerKind
    {
        Orchestration,
        Entity,
        Activity,
    }

    private sealed record TimerEntry(TimerKind Kind, string Id, QueuedActivity? Activity);
}
