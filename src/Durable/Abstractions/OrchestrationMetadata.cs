using System.Text.Json;

namespace BatchEmbed.DurableTask;

/// <summary>An orchestration instance's status, as the client reports it.</summary>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    internal bool RequestedInputsAndOutputs { get; init; }

    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    public T? ReadInputAs<T>() => Read<T>(SerializedInput);

    public T? ReadOutputAs<T>() => Read<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => Read<T>(SerializedCustomStatus);

    private T? Read<T>(string? json)
    {
        if (!RequestedInputsAndOutputs)
        {
            throw new InvalidOperationException("Inputs and outputs were not fetched: pass getInputsAndOutputs: true.");
        }

        return json is null ? default : JsonSerializer.Deserialize<T>(json, DataConverter.Options);
    }
}
