using BatchEmbed.DurableTask.Sidecar.Store;
using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

internal sealed partial class TaskHubSidecarService
{
    public override Task<P.QueryInstancesResponse> QueryInstances(P.QueryInstancesRequest request, ServerCallContext context)
    {
        P.InstanceQuery query = request.Query ?? new P.InstanceQuery();
        if (query.TaskHubNames.Count > 0 && !query.TaskHubNames.Contains(options.TaskHubName, StringComparer.OrdinalIgnoreCase))
        {
            return Task.FromResult(new P.QueryInstancesResponse()); // this backend serves one hub
        }

        (List<InstanceRecord> instances, string? next) = Store.QueryInstances(query);
        var response = new P.QueryInstancesResponse { ContinuationToken = next };
        response.OrchestrationState.AddRange(instances.Select(ToState));
        return Task.FromResult(response);
    }

    public override Task<P.ListInstanceIdsResponse> ListInstanceIds(P.ListInstanceIdsRequest request, ServerCallContext context)
    {
        (List<string> ids, string? last) = Store.ListInstanceIds(request);
        var response = new P.ListInstanceIdsResponse { LastInstanceKey = last };
        response.InstanceIds.AddRange(ids);
        return Task.FromResult(response);
    }

    public override async Task<P.PurgeInstancesResponse> PurgeInstances(P.PurgeInstancesRequest request, ServerCallContext context)
    {
        (int deleted, bool complete) result;
        switch (request.RequestCase)
        {
            case P.PurgeInstancesRequest.RequestOneofCase.InstanceId when request.InstanceId.StartsWith('@'):
                result = (await Store.PurgeEntityAsync(request.InstanceId), true);
                break;
            case P.PurgeInstancesRequest.RequestOneofCase.InstanceId:
                result = await Store.PurgeAsync((_, _) => [request.InstanceId], request.Recursive, null);
                break;
            case P.PurgeInstancesRequest.RequestOneofCase.InstanceBatch:
                List<string> batch = [.. request.InstanceBatch.InstanceIds];
                result = await Store.PurgeAsync((_, _) => batch, request.Recursive, null);
                break;
            case P.PurgeInstancesRequest.RequestOneofCase.PurgeInstanceFilter:
                P.PurgeInstanceFilter filter = request.PurgeInstanceFilter;
                result = await Store.PurgeAsync((c, tx) => SidecarStore.SelectPurgeable(c, tx, filter), request.Recursive, filter.Timeout?.ToTimeSpan());
                break;
            default:
                throw Status(StatusCode.InvalidArgument, "A purge needs an instance id, a list of instance ids, or a filter.");
        }

        return new P.PurgeInstancesResponse { DeletedInstanceCount = result.deleted, IsComplete = result.complete };
    }
}
