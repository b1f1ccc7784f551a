using BatchEmbed.DurableTask.Core;
using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;
using BatchEmbed.DurableTask.Sqlite;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// Processes a locked entity's operations one at a time, in order. An operation that throws leaves the state as it was
/// before it (and sends nothing); a call gets its result or failure back as an event named by its request id.
/// </summary>
internal sealed class EntityDispatcher(SqliteStore store, DurableTaskRegistry registry, IServiceProvider services, ILogger log, string workerId)
{
    public async Task RunBatchAsync(EntityWorkItem item, CancellationToken cancellationToken)
    {
        var id = new EntityInstanceId(item.Name, item.Key);
        string? state = item.State;
        var messages = new List<OutboundMessage>();
        var starts = new List<NewInstance>();
        registry.Entities.TryGetValue(item.Name, out Func<IServiceProvider, ITaskEntity>? factory);

        foreach ((_, HistoryEvent e) in item.NewEvents)
        {
            EntityRequest? request = e.EventType == EventType.EventRaised ? DataConverter.Deserialize<EntityRequest>(e.Input) : null;
            if (request is null)
            {
                continue;
            }

            if (factory is null)
            {
                Log.UnknownEntity(log, id.ToString(), request.Op, item.Name);
                Respond(request, null, new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No entity named '{item.Name}' is registered with this worker."));
                continue;
            }

            var context = new Context(id);
            var operation = new Operation(request, context, state);
            try
            {
                object? result = await factory(services).RunAsync(operation);
                state = operation.StateHolder.Json;
                messages.AddRange(context.Messages);
                starts.AddRange(context.Starts);
                Respond(request, DataConverter.Serialize(result), null);
            }
            catch (Exception ex)
            {
                Exception cause = ex is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : ex;
                Respond(request, null, TaskFailureDetails.FromException(cause));
            }
        }

        await store.CompleteEntityAsync(item, state, messages, starts, workerId, cancellationToken);

        void Respond(EntityRequest request, string? result, TaskFailureDetails? failure)
        {
            if (request.Signal || request.Parent is null)
            {
                return;
            }

            var response = new HistoryEvent(EventType.EventRaised, -1, DateTime.UtcNow)
            {
                Name = request.Id,
                Input = DataConverter.Serialize(new EntityResponse(result, failure)),
            };
            messages.Add(new OutboundMessage(request.Parent, response));
        }
    }

    private sealed class Context(EntityInstanceId id) : TaskEntityContext
    {
        public List<OutboundMessage> Messages { get; } = [];

        public List<NewInstance> Starts { get; } = [];

        public override EntityInstanceId Id => id;

        public override void SignalEntity(EntityInstanceId target, string operationName, object? input = null, SignalEntityOptions? options = null)
        {
            var request = new EntityRequest(operationName, true, DataConverter.Serialize(input), Guid.NewGuid().ToString(), null, options?.SignalTime?.UtcDateTime);
            var e = new HistoryEvent(EventType.EventRaised, -1, DateTime.UtcNow) { Name = EntityEvents.Operation, Input = DataConverter.Serialize(request) };
            Messages.Add(new OutboundMessage(target.ToString(), e, options?.SignalTime?.UtcDateTime));
        }

        public override string ScheduleNewOrchestration(TaskName name, object? input = null, StartOrchestrationOptions? options = null)
        {
            string instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
            Starts.Add(new NewInstance(name, instanceId, DataConverter.Serialize(input), options?.StartAt?.UtcDateTime));
            return instanceId;
        }
    }

    private sealed class StateHolder(string? json) : TaskEntityState
    {
        public string? Json { get; private set; } = json;

        public override bool HasState => Json is not null;

        public override object? GetState(Type type) => DataConverter.Deserialize(Json, type);

        public override void SetState(object? state) => Json = DataConverter.Serialize(state);
    }

    private sealed class Operation(EntityRequest request, TaskEntityContext context, string? state) : TaskEntityOperation
    {
        public StateHolder StateHolder { get; } = new(state);

        public override string Name => request.Op;

        public override TaskEntityContext Context => context;

        public override TaskEntityState State => StateHolder;

        public override bool HasInput => request.Input is not null;

        public override object? GetInput(Type inputType) => DataConverter.Deserialize(request.Input, inputType);
    }
}
