using System.Text;
using BatchEmbed.DurableTask.Core;
using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;
using BatchEmbed.DurableTask.Sqlite;

namespace BatchEmbed.DurableTask;

/// <summary>The client over the SQLite store.</summary>
internal sealed class SqliteDurableTaskClient : DurableTaskClient
{
    private readonly SqliteStore _store;
    private readonly int _maxPayload;

    public SqliteDurableTaskClient(SqliteStore store, int maximumPayloadBytes)
        : base("sqlite")
    {
        _store = store;
        _maxPayload = maximumPayloadBytes;
        Entities = new EntityClient(this);
    }

    public override DurableEntityClient Entities { get; }

    internal SqliteStore Store => _store;

    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        InstanceIds.Validate(instanceId);
        string? json = CheckPayload(DataConverter.Serialize(input), "orchestration input");
        var instance = new NewInstance(orchestratorName.Name, instanceId, json, options?.StartAt?.UtcDateTime);
        if (!await _store.CreateInstanceAsync(instance, options?.Tags, cancellation))
        {
            throw new InvalidOperationException($"An orchestration with instance id '{instanceId}' is already Pending or Running.");
        }

        return instanceId;
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var e = new HistoryEvent(EventType.EventRaised, -1, DateTime.UtcNow) { Name = eventName, Input = CheckPayload(DataConverter.Serialize(eventPayload), $"payload of event '{eventName}'") };
        switch (await SendAsync(instanceId, e, cancellation))
        {
            case InstanceCommandResult.NotFound:
                throw new OrchestrationNotFoundException(instanceId);
            case InstanceCommandResult.Gone:
                throw new InvalidOperationException($"Instance '{instanceId}' has finished; it cannot receive events.");
        }
    }

    internal Task<InstanceCommandResult> SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellation) =>
        _store.SendToInstanceAsync(instanceId, e, cancellation);

    public override Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Task.FromResult(_store.GetInstance(instanceId, getInputsAndOutputs));

    public override async IAsyncEnumerable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null)
    {
        OrchestrationQuery query = filter ?? new OrchestrationQuery();
        while (true)
        {
            OrchestrationPage page = await GetInstancePageAsync(query);
            foreach (OrchestrationMetadata m in page.Values)
            {
                yield return m;
            }

            if (page.ContinuationToken is null)
            {
                yield break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }
    }

    public override Task<OrchestrationPage> GetInstancePageAsync(OrchestrationQuery query, CancellationToken cancellation = default) =>
        Task.FromResult(_store.QueryInstances(query));

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, cancellation);

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, m => m.IsCompleted, cancellation);

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        var e = new HistoryEvent(EventType.ExecutionTerminated, -1, DateTime.UtcNow) { Input = DataConverter.Serialize(options?.Output) };
        if (await SendAsync(instanceId, e, cancellation) == InstanceCommandResult.NotFound)
        {
            throw new OrchestrationNotFoundException(instanceId);
        }
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        Control(instanceId, EventType.ExecutionSuspended, reason, cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        Control(instanceId, EventType.ExecutionResumed, reason, cancellation);

    public override async Task<string> RestartAsync(string instanceId, bool restartWithNewInstanceId = false, CancellationToken cancellation = default)
    {
        OrchestrationMetadata m = _store.GetInstance(instanceId, true) ?? throw new OrchestrationNotFoundException(instanceId);
        string id = restartWithNewInstanceId ? Guid.NewGuid().ToString("N") : instanceId;
        if (!await _store.CreateInstanceAsync(new NewInstance(m.Name, id, m.SerializedInput, null), m.Tags, cancellation))
        {
            throw new InvalidOperationException($"Instance '{id}' is still Pending or Running; terminate it before restarting it under the same id.");
        }

        return id;
    }

    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        new(await _store.PurgeAsync(instanceId, null, cancellation));

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default) =>
        new(await _store.PurgeAsync(null, filter, cancellation));

    public override Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default) =>
        Task.FromResult<IReadOnlyList<HistoryEvent>>(_store.ReadHistory(instanceId));

    private async Task Control(string instanceId, EventType type, string? reason, CancellationToken cancellation)
    {
        var e = new HistoryEvent(type, -1, DateTime.UtcNow) { Input = reason };
        switch (await SendAsync(instanceId, e, cancellation))
        {
            case InstanceCommandResult.NotFound:
                throw new OrchestrationNotFoundException(instanceId);
            case InstanceCommandResult.Gone:
                throw new InvalidOperationException($"Instance '{instanceId}' has finished.");
        }
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool payloads, Func<OrchestrationMetadata, bool> done, CancellationToken cancellation)
    {
        TimeSpan delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            OrchestrationMetadata? m = _store.GetInstance(instanceId, payloads) ?? throw new OrchestrationNotFoundException(instanceId);
            if (done(m))
            {
                return m;
            }

            await Task.Delay(delay, cancellation);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 250));
        }
    }

    private string? CheckPayload(string? json, string what)
    {
        int size = json is null ? 0 : Encoding.UTF8.GetByteCount(json);
        return size > _maxPayload ? throw new PayloadTooLargeException(what, size, _maxPayload) : json;
    }

    private sealed class EntityClient(SqliteDurableTaskClient client) : DurableEntityClient
    {
        public override Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null, CancellationToken cancellation = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(operationName);
            string? json = client.CheckPayload(DataConverter.Serialize(input), $"input of entity operation '{operationName}'");
            var request = new EntityRequest(operationName, true, json, Guid.NewGuid().ToString(), null, options?.SignalTime?.UtcDateTime);
            var e = new HistoryEvent(EventType.EventRaised, -1, DateTime.UtcNow) { Name = EntityEvents.Operation, Input = DataConverter.Serialize(request) };
            return client._store.SignalEntityAsync(id, e, options?.SignalTime?.UtcDateTime, cancellation);
        }

        public override Task<EntityMetadata?> GetEntityAsync(EntityInstanceId id, bool includeState = true, CancellationToken cancellation = default)
        {
            EntityMetadata? e = client._store.GetEntity(id, includeState);
            return Task.FromResult(e is { SerializedState: null, IncludesState: true } ? null : e);
        }

        public override async IAsyncEnumerable<EntityMetadata> GetAllEntitiesAsync(EntityQuery? filter = null)
        {
            EntityQuery query = filter ?? new EntityQuery();
            while (true)
            {
                var (entities, next) = await GetEntityPageAsync(query);
                foreach (EntityMetadata e in entities)
                {
                    yield return e;
                }

                if (next is null)
                {
                    yield break;
                }

                query = query with { ContinuationToken = next };
            }
        }

        public override Task<(IReadOnlyList<EntityMetadata> Entities, string? ContinuationToken)> GetEntityPageAsync(EntityQuery query, CancellationToken cancellation = default)
        {
            var (list, next) = client._store.QueryEntities(query);
            return Task.FromResult<(IReadOnlyList<EntityMetadata>, string?)>((list, next));
        }
    }
}
