using System.Globalization;
using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BatchEmbed.DurableTask.Core;

/// <summary>
/// Replays an orchestration from its history on a single-threaded synchronization context, then applies new events.
/// Every action takes the next sequence number and must match the history by kind and name on replay. The executor
/// is stateful, so a live one can be kept between episodes (an extended session) and fed only new events.
/// </summary>
internal sealed partial class OrchestrationExecutor : TaskOrchestrationContext
{
    private readonly ITaskOrchestrator _orchestrator;
    private readonly OrchestrationSynchronizationContext _sync = new();
    private readonly SortedDictionary<int, OrchestratorAction> _pending = [];
    private readonly Dictionary<int, IOpenTask> _open = [];
    private readonly Dictionary<string, Stack<EventWaiter>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<HistoryEvent>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Action<EntityResponse>> _entityCalls = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILoggerFactory _loggerFactory;
    private readonly EntityFeature _entities;

    private int _sequence;
    private int _guidCounter;
    private string? _input;
    private Task<object?>? _userTask;
    private EpisodeResult _episode = new();
    private bool _isReplaying;
    private DateTime _now;
    private string? _continueAsNewInput;
    private bool _continueAsNew;
    private bool _preserveEvents;
    private bool _finished;

    private readonly TimeSpan _maxTimer;

    public OrchestrationExecutor(ITaskOrchestrator orchestrator, TaskName name, string instanceId, ILoggerFactory? loggerFactory = null, TimeSpan? maximumTimerInterval = null)
    {
        _orchestrator = orchestrator;
        _maxTimer = maximumTimerInterval ?? TimeSpan.FromDays(3);
        Name = name;
        InstanceId = instanceId;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _entities = new EntityFeature(this);
    }

    public override TaskName Name { get; }

    public override string InstanceId { get; }

    public override ParentOrchestrationInstance? Parent => ParentInstance;

    public ParentOrchestrationInstance? ParentInstance { get; private set; }

    public override bool IsReplaying => _isReplaying;

    public override DateTime CurrentUtcDateTime => _now;

    public override TaskOrchestrationEntityFeature Entities => _entities;

    /// <summary>How many history events this executor has consumed (its cursor, for extended sessions).</summary>
    public int HistoryCount { get; private set; }

    public bool IsFinished => _finished;

    /// <summary>Replays past events (no result), then applies <paramref name="newEvents"/> and returns the episode.</summary>
    public EpisodeResult Execute(IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> newEvents, DateTime episodeStart)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_sync);
        try
        {
            _isReplaying = true;
            foreach (HistoryEvent e in past)
            {
                Apply(e);
                HistoryCount++;
                if (_finished)
                {
                    break;
                }
            }

            if (_pending.Count > 0 && !_finished)
            {
                OrchestratorAction orphan = _pending.First().Value;
                throw new NonDeterministicOrchestrationException(
                    $"The replay scheduled {Describe(orphan)} with sequence number {orphan.Id}, but the history has no such event: the orchestrator code changed or is not deterministic.");
            }

            return ApplyNew(newEvents, episodeStart);
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            return Fail(TaskFailureDetails.FromException(ex, includeStack: false));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Applies new events to a live executor (no replay): the extended-session path.</summary>
    public EpisodeResult Continue(IReadOnlyList<HistoryEvent> newEvents, DateTime episodeStart)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_sync);
        try
        {
            return ApplyNew(newEvents, episodeStart);
        }
        catch (NonDeterministicOrchestrationException ex)
        {
            return Fail(TaskFailureDetails.FromException(ex, includeStack: false));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private EpisodeResult ApplyNew(IReadOnlyList<HistoryEvent> newEvents, DateTime episodeStart)
    {
        _episode = new EpisodeResult();
        _isReplaying = false;
        var started = new HistoryEvent(EventType.OrchestratorStarted, -1, episodeStart);
        Record(started);
        Apply(started);
        foreach (HistoryEvent e in newEvents)
        {
            Record(e);
            Apply(e);
            if (_finished)
            {
                break;
            }
        }

        foreach (OrchestratorAction action in _pending.Values)
        {
            _episode.Actions.Add(action);
            Record(ToHistory(action));
        }

        _pending.Clear();
        CheckCompletion();
        Record(new HistoryEvent(EventType.OrchestratorCompleted, -1, _now));
        return _episode;
    }

    private void Record(HistoryEvent e)
    {
        _episode.NewHistory.Add(e);
        HistoryCount++;
    }

    private EpisodeResult Fail(TaskFailureDetails failure)
    {
        _finished = true;
        _episode.Completion = CompletionKind.Failed;
        _episode.Failure = failure;
        _episode.Actions.Clear();
        return _episode;
    }

    private void Apply(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case EventType.OrchestratorStarted:
                _now = e.Timestamp;
                break;
            case EventType.ExecutionStarted:
                _input = e.Input;
                if (e.ParentInstanceId is not null)
                {
                    ParentInstance = new ParentOrchestrationInstance(e.ParentName ?? string.Empty, e.ParentInstanceId);
                }

                _userTask = RunUserCode();
                break;
            case EventType.TaskScheduled:
                Match(e, ActionKind.ScheduleTask);
                break;
            case EventType.TimerCreated:
                Match(e, ActionKind.CreateTimer);
                break;
            case EventType.SubOrchestrationInstanceCreated:
                Match(e, ActionKind.CreateSubOrchestration);
                break;
            case EventType.EventSent:
                Match(e, ActionKind.SendEvent);
                break;
            case EventType.TaskCompleted:
            case EventType.SubOrchestrationInstanceCompleted:
                Complete(e.TaskScheduledId, t => t.SetResult(e.Result));
                break;
            case EventType.TaskFailed:
            case EventType.SubOrchestrationInstanceFailed:
                Complete(e.TaskScheduledId, t => t.SetFailure(e.FailureDetails ?? new TaskFailureDetails("Unknown", "failed")));
                break;
            case EventType.TimerFired:
                Complete(e.TaskScheduledId, t => t.SetResult(null));
                break;
            case EventType.EventRaised:
                Raise(e);
                break;
        }

        _sync.RunUntilIdle();
    }

    private void Match(HistoryEvent e, ActionKind kind)
    {
        if (!_pending.TryGetValue(e.EventId, out OrchestratorAction? action))
        {
            throw new NonDeterministicOrchestrationException(
                $"A previous execution scheduled {Describe(kind, e.Name)} with sequence number {e.EventId}, but the current replay execution hasn't scheduled it: the orchestrator code changed or is not deterministic.");
        }

        if (action.Kind != kind || !string.Equals(action.Name, e.Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new NonDeterministicOrchestrationException(
                $"A previous execution scheduled {Describe(kind, e.Name)} with sequence number {e.EventId}, but the current replay execution scheduled {Describe(action)}: the orchestrator code changed or is not deterministic.");
        }

        _pending.Remove(e.EventId);
    }

    private void Complete(int? id, Action<IOpenTask> complete)
    {
        if (id is { } taskId && _open.Remove(taskId, out IOpenTask? task))
        {
            complete(task);
        }

        // Otherwise a duplicate or a completion for a cancelled timer: ignored, as Durable Task Core does.
    }

    private void Raise(HistoryEvent e)
    {
        string name = e.Name ?? string.Empty;
        if (_entityCalls.Remove(name, out Action<EntityResponse>? onResponse))
        {
            onResponse(DataConverter.Deserialize<EntityResponse>(e.Input) ?? new EntityResponse(null, null));
            return;
        }

        if (_waiters.TryGetValue(name, out Stack<EventWaiter>? stack))
        {
            while (stack.Count > 0)
            {
                EventWaiter waiter = stack.Pop();
                if (waiter.TryDeliver(e.Input))
                {
                    return;
                }
            }
        }

        if (!_buffered.TryGetValue(name, out Queue<HistoryEvent>? queue))
        {
            _buffered[name] = queue = new Queue<HistoryEvent>();
        }

        queue.Enqueue(e);
    }

    private async Task<object?> RunUserCode()
    {
        await Task.Yield();
        object? input = DataConverter.Deserialize(_input, _orchestrator.InputType);
        return await _orchestrator.RunAsync(this, input);
    }

    private void CheckCompletion()
    {
        if (_finished || _userTask is null || !_userTask.IsCompleted)
        {
            if (!_finished && _userTask is not null && !_userTask.IsCompleted && _open.Values.All(t => t.IsCancelled) && _waiters.Values.All(s => s.All(w => w.IsDone)) && _entityCalls.Count == 0)
            {
                _finished = true;
                _episode.Completion = CompletionKind.Failed;
                _episode.Failure = new TaskFailureDetails(
                    typeof(InvalidOperationException).FullName!,
                    "The orchestrator is waiting on something that is not a durable task (Task.Delay, Task.Run, I/O or ConfigureAwait(false)?). Orchestrators may await only what the context gives them.");
            }

            return;
        }

        if (_userTask.IsFaulted)
        {
            Exception ex = _userTask.Exception!.InnerExceptions.Count == 1 ? _userTask.Exception.InnerException! : _userTask.Exception;
            _finished = true;
            _episode.Completion = CompletionKind.Failed;
            _episode.Failure = TaskFailureDetails.FromException(ex);
            return;
        }

        if (_userTask.IsCanceled)
        {
            _finished = true;
            _episode.Completion = CompletionKind.Failed;
            _episode.Failure = new TaskFailureDetails(typeof(TaskCanceledException).FullName!, "The orchestrator was cancelled.");
            return;
        }

        if (_continueAsNew)
        {
            _finished = true;
            _episode.Completion = CompletionKind.ContinuedAsNew;
            _episode.ContinueAsNewInput = _continueAsNewInput;
            if (_preserveEvents)
            {
                foreach (Queue<HistoryEvent> q in _buffered.Values)
                {
                    _episode.CarriedEvents.AddRange(q);
                }
            }

            return;
        }

        // Completion needs the user task done and nothing outstanding: an uncancelled timer keeps the instance running.
        if (_open.Values.Any(t => !t.IsCancelled))
        {
            return;
        }

        _finished = true;
        _episode.Completion = CompletionKind.Completed;
        _episode.Output = DataConverter.Serialize(_userTask.Result);
    }

    private HistoryEvent ToHistory(OrchestratorAction a) => a.Kind switch
    {
        ActionKind.ScheduleTask => new HistoryEvent(EventType.TaskScheduled, a.Id, _now) { Name = a.Name, Input = a.Input },
        ActionKind.CreateTimer => new HistoryEvent(EventType.TimerCreated, a.Id, _now) { Name = a.Name, FireAt = a.FireAt },
        ActionKind.CreateSubOrchestration => new HistoryEvent(EventType.SubOrchestrationInstanceCreated, a.Id, _now) { Name = a.Name, Input = a.Input, InstanceId = a.InstanceId },
        _ => new HistoryEvent(EventType.EventSent, a.Id, _now) { Name = a.Name, Input = a.Input, InstanceId = a.InstanceId },
    };

    private static string Describe(OrchestratorAction a) => Describe(a.Kind, a.Name);

    private static string Describe(ActionKind kind, string? name) => kind switch
    {
        ActionKind.ScheduleTask => $"an activity task named '{name}'",
        ActionKind.CreateTimer => "a durable timer",
        ActionKind.CreateSubOrchestration => $"a sub-orchestration named '{name}'",
        _ => $"an event named '{name}'",
    };

    private int NextId() => _sequence++;

    private OrchestratorAction Add(OrchestratorAction action)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The orchestration has already finished.");
        }

        _pending[action.Id] = action;
        return action;
    }

    public override T? GetInput<T>()
        where T : default => DataConverter.Deserialize<T>(_input);

    public override async Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
    {
        string? serialized = DataConverter.Serialize(input);
        return await WithRetries(options, () =>
        {
            int id = NextId();
            Add(new OrchestratorAction(id, ActionKind.ScheduleTask, name.Name) { Input = serialized });
            return Open<TResult>(id, name.Name);
        });
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
    {
        string? serialized = DataConverter.Serialize(input);
        string? instanceId = (options as SubOrchestrationOptions)?.InstanceId;
        return await WithRetries(options, () =>
        {
            string childId = instanceId ?? NewGuid().ToString("N");
            int id = NextId();
            Add(new OrchestratorAction(id, ActionKind.CreateSubOrchestration, orchestratorName.Name) { Input = serialized, InstanceId = childId });
            return Open<TResult>(id, orchestratorName.Name);
        });
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        DateTime at = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        return at - _now > _maxTimer ? ChainedTimer(at, cancellationToken) : SingleTimer(at, cancellationToken);
    }

    // Timers longer than the maximum interval become a chain, each link at most that long (visible in the history).
    private async Task ChainedTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        while (fireAt - _now > _maxTimer)
        {
            await SingleTimer(_now + _maxTimer, cancellationToken);
        }

        await SingleTimer(fireAt, cancellationToken);
    }

    private Task<object?> SingleTimer(DateTime at, CancellationToken cancellationToken)
    {
        int id = NextId();
        Add(new OrchestratorAction(id, ActionKind.CreateTimer, string.Empty) { FireAt = at });
        var open = new OpenTask<object?>(string.Empty, id);
        _open[id] = open;
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => open.Cancel());
        }

        return open.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (_buffered.TryGetValue(eventName, out Queue<HistoryEvent>? queue) && queue.TryDequeue(out HistoryEvent? early))
        {
            return Task.FromResult(DataConverter.Deserialize<T>(early.Input)!);
        }

        var waiter = new EventWaiter<T>();
        if (!_waiters.TryGetValue(eventName, out Stack<EventWaiter>? stack))
        {
            _waiters[eventName] = stack = new Stack<EventWaiter>();
        }

        stack.Push(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => waiter.Cancel());
        }

        return waiter.Task;
    }

    public override void SendEvent(string instanceId, string eventName, object payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        Add(new OrchestratorAction(NextId(), ActionKind.SendEvent, eventName) { InstanceId = instanceId, Input = DataConverter.Serialize(payload) });
    }

    public override void SetCustomStatus(object? customStatus)
    {
        _episode.CustomStatus = DataConverter.Serialize(customStatus);
        _episode.CustomStatusChanged = true;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
    {
        _continueAsNew = true;
        _continueAsNewInput = DataConverter.Serialize(newInput);
        _preserveEvents = preserveUnprocessedEvents;
    }

    public override Guid NewGuid() =>
        DeterministicGuid.Create(string.Create(CultureInfo.InvariantCulture, $"{InstanceId}_{_now:o}_{_guidCounter++}"));

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggerFactory.CreateLogger(categoryName));

    private Task<TResult> Open<TResult>(int id, string name)
    {
        var open = new OpenTask<TResult>(name, id);
        _open[id] = open;
        return open.Task;
    }

    private async Task<TResult> WithRetries<TResult>(TaskOptions? options, Func<Task<TResult>> attempt)
    {
        RetryPolicy? policy = options?.Retry?.Policy;
        if (policy is null)
        {
            return await attempt();
        }

        DateTime firstAttempt = _now;
        for (int n = 0; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException ex) when (
                n + 1 < policy.MaxNumberOfAttempts
                && !ex.FailureDetails.IsNonRetriable
                && (policy.HandleFailure?.Invoke(ex.FailureDetails) ?? true)
                && (policy.RetryTimeout == Timeout.InfiniteTimeSpan || _now < firstAttempt + policy.RetryTimeout))
            {
                await CreateTimer(_now + policy.GetDelay(n), CancellationToken.None);
            }
        }
    }

    private void CallEntity(EntityInstanceId id, string operation, object? input, bool signal, DateTime? due, Action<EntityResponse>? onResponse)
    {
        Guid requestId = NewGuid();
        var request = new EntityRequest(operation, signal, DataConverter.Serialize(input), requestId.ToString(), InstanceId, due);
        Add(new OrchestratorAction(NextId(), ActionKind.SendEvent, EntityEvents.Operation)
        {
            InstanceId = id.ToString(),
            Input = DataConverter.Serialize(request),
            VisibleAt = due,
        });
        if (onResponse is not null)
        {
            _entityCalls[requestId.ToString()] = onResponse;
        }
    }
}
