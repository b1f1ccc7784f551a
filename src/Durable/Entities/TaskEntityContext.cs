namespace BatchEmbed.DurableTask.Entities;

/// <summary>What an entity operation can do besides change its state: signal entities and start orchestrations.</summary>
public abstract class TaskEntityContext
{
    public abstract EntityInstanceId Id { get; }

    public abstract void SignalEntity(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null);

    public abstract string ScheduleNewOrchestration(TaskName name, object? input = null, StartOrchestrationOptions? options = null);
}

/// <summary>When a signal is delivered (default: now).</summary>
public record SignalEntityOptions(DateTimeOffset? SignalTime = null);

/// <summary>Options for calling an entity from an orchestration.</summary>
public record CallEntityOptions;
