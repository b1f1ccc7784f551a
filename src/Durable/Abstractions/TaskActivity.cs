namespace BatchEmbed.DurableTask;

/// <summary>What an activity sees: its name and the orchestration instance that scheduled it.</summary>
public abstract class TaskActivityContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    public virtual string Version => string.Empty;

    /// <summary>Cancelled when the worker shuts down; the activity is then retried elsewhere (at-least-once).</summary>
    public virtual CancellationToken CancellationToken => CancellationToken.None;
}

/// <summary>What the engine sees of an activity.</summary>
public interface ITaskActivity
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>A class-based activity, as in the Durable Task SDK. Delivered at least once: make side effects idempotent.</summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    Type ITaskActivity.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, input is null ? default! : (TInput)input);
}
