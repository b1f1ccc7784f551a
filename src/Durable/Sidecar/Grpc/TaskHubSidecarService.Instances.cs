using BatchEmbed.DurableTask.Sidecar.Store;
using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Grpc;

internal sealed partial class TaskHubSidecarService
{
    public override async Task<P.CreateInstanceResponse> StartInstance(P.CreateInstanceRequest request, ServerCallContext context)
    {
        string instanceId = string.IsNullOrEmpty(request.InstanceId) ? Guid.NewGuid().ToString("N") : request.InstanceId;
        CheckInstanceId(instanceId);
        if (instanceId.StartsWith('@'))
        {
            throw Status(StatusCode.InvalidArgument, $"Instance id '{instanceId}' starts with '@', which marks entity ids.");
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw Status(StatusCode.InvalidArgument, "An orchestrator name is required.");
        }

        CheckPayload($"input of orchestration '{request.Name}'", request.Input);
        var instance = new NewOrchestration(instanceId, request.Name, request.Version, request.Input,
            request.ScheduledStartTimestamp is { } at ? ProtocolEvents.UnixMs(at) : null, request.Tags, Parent: null, request.ParentTraceContext,
            request.OrchestrationIdReusePolicy is { } policy ? [.. policy.ReplaceableStatus] : null);
        CreateOutcome outcome = await Store.StartAsync(instance);
        if (!outcome.Created)
        {
            throw Status(StatusCode.AlreadyExists, $"An orchestration with instance id '{instanceId}' already exists and is {Describe(outcome.Existing!.Value)}.");
        }

        return new P.CreateInstanceResponse { InstanceId = instanceId };
    }

    public override Task<P.GetInstanceResponse> GetInstance(P.GetInstanceRequest request, ServerCallContext context)
    {
        InstanceRecord? instance = Store.GetInstance(request.InstanceId, request.GetInputsAndOutputs);
        return Task.FromResult(instance is null
            ? new P.GetInstanceResponse { Exists = false }
            : new P.GetInstanceResponse { Exists = true, OrchestrationState = ToState(instance) });
    }

    public override Task<P.GetInstanceResponse> WaitForInstanceStart(P.GetInstanceRequest request, ServerCallContext context) =>
        WaitFor(request, i => i.Status != P.OrchestrationStatus.Pending, context.CancellationToken);

    public override Task<P.GetInstanceResponse> WaitForInstanceCompletion(P.GetInstanceRequest request, ServerCallContext context) =>
        WaitFor(request, i => i.IsTerminal, context.CancellationToken);

    /// <summary>Long-polls until the instance exists and meets <paramref name="done"/>, woken by the commits that change it.</summary>
    private async Task<P.GetInstanceResponse> WaitFor(P.GetInstanceRequest request, Func<InstanceRecord, bool> done, CancellationToken cancellationToken)
    {
        CheckInstanceId(request.InstanceId);
        while (true)
        {
            Task changed = dispatcher.Watchers.NextChange(request.InstanceId);
            if (Store.GetInstance(request.InstanceId, request.GetInputsAndOutputs) is { } instance && done(instance))
            {
                return new P.GetInstanceResponse { Exists = true, OrchestrationState = ToState(instance) };
            }

            // Look again every few seconds too: a change may come from a purge or another path without a notice.
            Task woke = await Task.WhenAny(changed, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
            if (woke != changed && cancellationToken.IsCancellationRequested)
            {
                throw Status(StatusCode.Cancelled, $"The wait for instance '{request.InstanceId}' was cancelled.");
            }
        }
    }

    public override async Task<P.RaiseEventResponse> RaiseEvent(P.RaiseEventRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        if (string.IsNullOrEmpty(request.Name))
        {
            throw Status(StatusCode.InvalidArgument, "An event name is required.");
        }

        CheckPayload($"data of event '{request.Name}'", request.Input);
        Sent(await Store.SendAsync(request.InstanceId, now => ProtocolEvents.EventRaised(request.Name, request.Input, now)), request.InstanceId, $"raise event '{request.Name}'");
        return new P.RaiseEventResponse();
    }

    public override async Task<P.TerminateResponse> TerminateInstance(P.TerminateRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        CheckPayload("termination output", request.Output);
        Sent(await Store.SendAsync(request.InstanceId, now => ProtocolEvents.Terminated(request.Output, request.Recursive, now)), request.InstanceId, "terminate");
        return new P.TerminateResponse();
    }

    public override async Task<P.SuspendResponse> SuspendInstance(P.SuspendRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        Sent(await Store.SendAsync(request.InstanceId, now => ProtocolEvents.Suspended(request.Reason, now)), request.InstanceId, "suspend");
        return new P.SuspendResponse();
    }

    public override async Task<P.ResumeResponse> ResumeInstance(P.ResumeRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        Sent(await Store.SendAsync(request.InstanceId, now => ProtocolEvents.Resumed(request.Reason, now)), request.InstanceId, "resume");
        return new P.ResumeResponse();
    }

    public override async Task<P.RewindInstanceResponse> RewindInstance(P.RewindInstanceRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        SendOutcome outcome = await Store.RewindAsync(request.InstanceId, request.Reason);
        if (outcome == SendOutcome.NotFailed)
        {
            string status = Store.GetInstance(request.InstanceId, false) is { } i ? Describe(i.Status) : "gone";
            throw Status(StatusCode.FailedPrecondition, $"Only a failed orchestration can be rewound; '{request.InstanceId}' is {status}.");
        }

        Sent(outcome, request.InstanceId, "rewind");
        return new P.RewindInstanceResponse();
    }

    public override async Task<P.RestartInstanceResponse> RestartInstance(P.RestartInstanceRequest request, ServerCallContext context)
    {
        CheckInstanceId(request.InstanceId);
        InstanceRecord original = Store.GetInstance(request.InstanceId, withPayloads: true)
            ?? throw Status(StatusCode.NotFound, $"No orchestration has instance id '{request.InstanceId}'.");
        string instanceId = request.RestartWithNewInstanceId ? Guid.NewGuid().ToString("N") : request.InstanceId;
        var restart = new NewOrchestration(instanceId, original.Name, original.Version, original.Input, null, SidecarStore.ParseTags(original.Tags), Parent: null, TraceContext: null);
        CreateOutcome outcome = await Store.StartAsync(restart);
        if (!outcome.Created)
        {
            throw Status(StatusCode.FailedPrecondition, $"Orchestration '{instanceId}' is {Describe(outcome.Existing!.Value)}; only a finished one restarts under the same id.");
        }

        return new P.RestartInstanceResponse { InstanceId = instanceId };
    }

    public override async Task<P.SkipGracefulOrchestrationTerminationsResponse> SkipGracefulOrchestrationTerminations(
        P.SkipGracefulOrchestrationTerminationsRequest request, ServerCallContext context)
    {
        var response = new P.SkipGracefulOrchestrationTerminationsResponse();
        foreach (string id in request.InstanceBatch?.InstanceIds ?? [])
        {
            if (!await Store.ForceTerminateAsync(id, request.Reason))
            {
                response.UnterminatedInstanceIds.Add(id);
            }
        }

        return response;
    }

    private static void Sent(SendOutcome outcome, string instanceId, string what)
    {
        switch (outcome)
        {
            case SendOutcome.NotFound:
                throw Status(StatusCode.NotFound, $"No orchestration has instance id '{instanceId}'.");
            case SendOutcome.Finished:
                throw Status(StatusCode.FailedPrecondition, $"Can't {what}: orchestration '{instanceId}' has finished.");
        }
    }

    internal static string Describe(P.OrchestrationStatus status) => status switch
    {
        P.OrchestrationStatus.Running => "Running",
        P.OrchestrationStatus.Completed => "Completed",
        P.OrchestrationStatus.ContinuedAsNew => "ContinuedAsNew",
        P.OrchestrationStatus.Failed => "Failed",
        P.OrchestrationStatus.Canceled => "Canceled",
        P.OrchestrationStatus.Terminated => "Terminated",
        P.OrchestrationStatus.Pending => "Pending",
        P.OrchestrationStatus.Suspended => "Suspended",
        _ => status.ToString(),
    };
}
