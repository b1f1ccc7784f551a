using BatchEmbed.DurableTask.Sidecar.Dispatch;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

internal sealed partial class TaskHubSidecarService
{
    private static readonly P.WorkItem s_healthPing = new() { HealthPing = new P.HealthPing() };
    private static readonly WriteOptions s_buffered = new(WriteFlags.BufferHint);

    public override Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    /// <summary>
    /// A worker's work-item stream: work is written as the dispatcher hands it out, with a health ping whenever the
    /// stream has been quiet for the ping interval. When the stream ends, whatever the worker held is handed out again.
    /// </summary>
    public override async Task GetWorkItems(P.GetWorkItemsRequest request, IServerStreamWriter<P.WorkItem> responseStream, ServerCallContext context)
    {
        WorkerStream stream = dispatcher.Connect(request);
        CancellationToken closed = context.CancellationToken;
        try
        {
            while (!closed.IsCancellationRequested)
            {
                bool more;
                using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(closed))
                {
                    quiet.CancelAfter(options.HealthPingInterval);
                    try
                    {
                        more = await stream.Outbox.Reader.WaitToReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException) when (!closed.IsCancellationRequested)
                    {
                        await responseStream.WriteAsync(s_healthPing, closed);
                        continue;
                    }
                }

                if (!more)
                {
                    return;
                }

                while (stream.Outbox.Reader.TryRead(out P.WorkItem? item))
                {
                    // Buffer while more are queued, flush with the last: one write to the socket for a burst of work.
                    responseStream.WriteOptions = stream.Outbox.Reader.TryPeek(out _) ? s_buffered : null;
                    await responseStream.WriteAsync(item, closed);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the worker went away
        }
        catch (IOException)
        {
            // the connection broke
        }
        catch (InvalidOperationException) when (closed.IsCancellationRequested)
        {
            // a write raced the end of the call
        }
        finally
        {
            dispatcher.Disconnect(stream);
        }
    }

    public override Task<P.CompleteTaskResponse> CompleteActivityTask(P.ActivityResponse request, ServerCallContext context) =>
        Completion("activity", () => dispatcher.CompleteActivityAsync(request));

    public override Task<P.CompleteTaskResponse> CompleteOrchestratorTask(P.OrchestratorResponse request, ServerCallContext context) =>
        Completion("orchestrator", () => dispatcher.CompleteOrchestrationAsync(request));

    public override Task<P.CompleteTaskResponse> CompleteEntityTask(P.EntityBatchResult request, ServerCallContext context) =>
        Completion("entity", () => dispatcher.CompleteEntityAsync(request));

    public override Task<P.AbandonActivityTaskResponse> AbandonTaskActivityWorkItem(P.AbandonActivityTaskRequest request, ServerCallContext context)
    {
        dispatcher.AbandonActivity(request.CompletionToken);
        return Task.FromResult(new P.AbandonActivityTaskResponse());
    }

    public override Task<P.AbandonOrchestrationTaskResponse> AbandonTaskOrchestratorWorkItem(P.AbandonOrchestrationTaskRequest request, ServerCallContext context)
    {
        dispatcher.AbandonOrchestration(request.CompletionToken);
        return Task.FromResult(new P.AbandonOrchestrationTaskResponse());
    }

    public override Task<P.AbandonEntityTaskResponse> AbandonTaskEntityWorkItem(P.AbandonEntityTaskRequest request, ServerCallContext context)
    {
        dispatcher.AbandonEntity(request.CompletionToken);
        return Task.FromResult(new P.AbandonEntityTaskResponse());
    }
}
