using BatchEmbed.DurableTask.Sidecar.Store;
using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

internal sealed partial class TaskHubSidecarService
{
    public override async Task<P.SignalEntityResponse> SignalEntity(P.SignalEntityRequest request, ServerCallContext context)
    {
        CheckEntityId(request.InstanceId);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw Status(StatusCode.InvalidArgument, "An operation name is required.");
        }

        CheckPayload($"input of entity operation '{request.Name}'", request.Input);
        long now = SidecarStore.Now();
        P.HistoryEvent signal = ProtocolEvents.New(now);
        signal.EntityOperationSignaled = new P.EntityOperationSignaledEvent
        {
            RequestId = Guid.TryParse(request.RequestId, out Guid id) ? id.ToString() : Guid.NewGuid().ToString(),
            Operation = request.Name,
            Input = request.Input,
            ScheduledTime = request.ScheduledTime,
            TargetInstanceId = request.InstanceId,
        };
        long visibleAt = request.ScheduledTime is { } at ? Math.Max(now, ProtocolEvents.UnixMs(at)) : now;
        await Store.SendToEntityAsync(new EntityMessage(request.InstanceId, signal, ReplyForm.ExternalEvents, visibleAt));
        return new P.SignalEntityResponse();
    }

    public override Task<P.GetEntityResponse> GetEntity(P.GetEntityRequest request, ServerCallContext context)
    {
        CheckEntityId(request.InstanceId);
        P.EntityMetadata? entity = Store.GetEntity(request.InstanceId, request.IncludeState);
        return Task.FromResult(entity is null ? new P.GetEntityResponse { Exists = false } : new P.GetEntityResponse { Exists = true, Entity = entity });
    }

    public override Task<P.QueryEntitiesResponse> QueryEntities(P.QueryEntitiesRequest request, ServerCallContext context)
    {
        (List<P.EntityMetadata> entities, string? next) = Store.QueryEntities(request.Query ?? new P.EntityQuery());
        var response = new P.QueryEntitiesResponse { ContinuationToken = next };
        response.Entities.AddRange(entities);
        return Task.FromResult(response);
    }

    public override Task<P.CleanEntityStorageResponse> CleanEntityStorage(P.CleanEntityStorageRequest request, ServerCallContext context) =>
        Store.CleanEntityStorageAsync(request);

    private static void CheckEntityId(string instanceId)
    {
        int at = string.IsNullOrEmpty(instanceId) || instanceId[0] != '@' ? -1 : instanceId.IndexOf('@', 1);
        if (at <= 1 || instanceId.Length > 1024)
        {
            throw Status(StatusCode.InvalidArgument, $"'{instanceId}' is not an entity id (@name@key, at most 1024 characters).");
        }
    }
}
