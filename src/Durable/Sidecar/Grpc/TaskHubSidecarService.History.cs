using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

internal sealed partial class TaskHubSidecarService
{
    private const int ChunkBytes = 1024 * 1024;

    /// <summary>
    /// An instance's history as the worker produced it, in chunks of about 1 MB. For a worker that streams the history
    /// of the work item it holds, the history that work item was built from.
    /// </summary>
    public override async Task StreamInstanceHistory(P.StreamInstanceHistoryRequest request, IServerStreamWriter<P.HistoryChunk> responseStream, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        List<P.HistoryEvent> history = (request.ForWorkItemProcessing ? dispatcher.HeldHistory(request.InstanceId) : null)
            ?? Store.ReadHistory(request.InstanceId, request.ExecutionId)
            ?? throw Status(StatusCode.NotFound, $"No orchestration has instance id '{request.InstanceId}'.");
        var chunk = new P.HistoryChunk();
        int size = 0;
        foreach (P.HistoryEvent e in history)
        {
            int eventSize = e.CalculateSize();
            if (size > 0 && size + eventSize > ChunkBytes)
            {
                await responseStream.WriteAsync(chunk, context.CancellationToken);
                chunk = new P.HistoryChunk();
                size = 0;
            }

            chunk.Events.Add(e);
            size += eventSize;
        }

        if (chunk.Events.Count > 0 || history.Count == 0)
        {
            await responseStream.WriteAsync(chunk, context.CancellationToken);
        }
    }

    public override async Task<P.CreateTaskHubResponse> CreateTaskHub(P.CreateTaskHubRequest request, ServerCallContext context)
    {
        if (request.RecreateIfExists)
        {
            await Store.DeleteAllAsync();
        }

        return new P.CreateTaskHubResponse(); // the schema exists from the moment the backend opens its file
    }

    public override async Task<P.DeleteTaskHubResponse> DeleteTaskHub(P.DeleteTaskHubRequest request, ServerCallContext context)
    {
        await Store.DeleteAllAsync();
        return new P.DeleteTaskHubResponse();
    }
}
