namespace BatchEmbed.DurableTask.Entities;

/// <summary>One operation delivered to an entity.</summary>
public abstract class TaskEntityOperation
{
    public abstract string Name { get; }

    public abstract TaskEntityContext Context { get; }

    public abstract TaskEntityState State { get; }

    public abstract bool HasInput { get; }

    public abstract object? GetInput(Type inputType);
}

/// <summary>An entity's state, read and written by operations.</summary>
public abstract class TaskEntityState
{
    public abstract bool HasState { get; }

    public abstract object? GetState(Type type);

    public abstract void SetState(object? state);
}

/// <summary>What the engine sees of an entity.</summary>
public interface ITaskEntity
{
    ValueTask<object?> RunAsync(TaskEntityOperation operation);
}
