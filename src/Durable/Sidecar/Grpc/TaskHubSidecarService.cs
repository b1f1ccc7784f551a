using BatchEmbed.DurableTask.Sidecar.Dispatch;
using BatchEmbed.DurableTask.Sidecar.Episodes;
using BatchEmbed.DurableTask.Sidecar.Store;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

/// <summary>
/// The Durable Task sidecar protocol (<c>TaskHubSidecarService</c> of Microsoft.DurableTask.Grpc) over the SQLite store.
/// It only translates: requests become store reads and writes or dispatcher calls, results and refusals become gRPC
/// answers. Every RPC of the protocol is served; a request for something the backend can't do is answered with a
/// status that says what (never a silent success).
/// </summary>
internal sealed partial class TaskHubSidecarService(WorkItemDispatcher dispatcher, SidecarOptions options, ILogger<TaskHubSidecarService> logger)
    : P.TaskHubSidecarService.TaskHubSidecarServiceBase
{
    private SidecarStore Store => dispatcher.Store;

    private static RpcException Status(StatusCode code, string message) => new(new global::Grpc.Core.Status(code, message));

    private void CheckPayload(string what, string? payload)
    {
        if (PayloadLimit.Problem(what, payload, options.MaxPayloadBytes) is { } problem)
        {
            throw Status(StatusCode.InvalidArgument, problem);
        }
    }

    private static void CheckInstanceId(string instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            throw Status(StatusCode.InvalidArgument, "An instance id is required.");
        }

        if (instanceId.Length > 1024 || instanceId.Any(char.IsControl))
        {
            throw Status(StatusCode.InvalidArgument, "An instance id has at most 1024 characters and no control characters.");
        }
    }

    /// <summary>Runs a completion and turns a refusal into FailedPrecondition (the workers don't retry that).</summary>
    private async Task<P.CompleteTaskResponse> Completion(string kind, Func<Task> complete)
    {
        try
        {
            await complete();
            return new P.CompleteTaskResponse();
        }
        catch (CompletionRefusedException e)
        {
            Log.CompletionRefused(logger, kind, e.Message);
            throw Status(StatusCode.FailedPrecondition, e.Message);
        }
    }

    internal static P.OrchestrationState ToState(InstanceRecord i)
    {
        var state = new P.OrchestrationState
        {
            InstanceId = i.InstanceId,
            Name = i.Name,
            Version = i.Version,
            OrchestrationStatus = i.Status,
            CreatedTimestamp = ProtocolEvents.Time(i.CreatedAt),
            LastUpdatedTimestamp = ProtocolEvents.Time(i.LastUpdatedAt),
            CompletedTimestamp = i.CompletedAt is { } done ? ProtocolEvents.Time(done) : null,
            ScheduledStartTimestamp = i.ScheduledStartAt is { } at ? ProtocolEvents.Time(at) : null,
            Input = i.Input,
            Output = i.Output,
            CustomStatus = i.CustomStatus,
            FailureDetails = i.Failure,
            ExecutionId = i.ExecutionId,
            ParentInstanceId = i.ParentInstanceId,
        };
        if (SidecarStore.ParseTags(i.Tags) is { } tags)
        {
            state.Tags.Add(tags);
        }

        return state;
    }
}
