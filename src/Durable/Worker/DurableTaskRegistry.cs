using BatchEmbed.DurableTask.Entities;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>The orchestrators, activities and entities a worker runs, by name (case-insensitive).</summary>
public sealed class DurableTaskRegistry
{
    internal Dictionary<TaskName, Func<IServiceProvider, ITaskOrchestrator>> Orchestrators { get; } = [];

    internal Dictionary<TaskName, Func<IServiceProvider, ITaskActivity>> Activities { get; } = [];

    internal Dictionary<string, Func<IServiceProvider, ITaskEntity>> Entities { get; } = new(StringComparer.OrdinalIgnoreCase);

    public DurableTaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator => AddOrchestrator(typeof(T).Name, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public DurableTaskRegistry AddOrchestrator(TaskName name, Func<IServiceProvider, ITaskOrchestrator> factory)
    {
        if (!Orchestrators.TryAdd(name, factory))
        {
            throw new ArgumentException($"An orchestrator named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    public DurableTaskRegistry AddActivity<T>()
        where T : class, ITaskActivity => AddActivity(typeof(T).Name, sp => ActivatorUtilities.GetServiceOrCreateInstance<T>(sp));

    public DurableTaskRegistry AddActivity(TaskName name, Func<IServiceProvider, ITaskActivity> factory)
    {
        if (!Activities.TryAdd(name, factory))
        {
            throw new ArgumentException($"An activity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    /// <summary>Registers an entity under its class name, lower-cased as entity names are.</summary>
    public DurableTaskRegistry AddEntity<T>()
        where T : class, ITaskEntity => AddEntity(typeof(T).Name, sp => ActivatorUtilities.CreateInstance<T>(sp));

    public DurableTaskRegistry AddEntity(string name, Func<IServiceProvider, ITaskEntity> factory)
    {
        if (!Entities.TryAdd(name.ToLowerInvariant(), factory))
        {
            throw new ArgumentException($"An entity named '{name}' is already registered.", nameof(name));
        }

        return this;
    }

    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> implementation)
    {
        var orchestrator = new FuncOrchestrator<TInput, TOutput>(implementation);
        return AddOrchestrator(name, _ => orchestrator);
    }

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, Task<TOutput>> implementation)
    {
        var activity = new FuncActivity<TInput, TOutput>(implementation);
        return AddActivity(name, _ => activity);
    }

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, TOutput> implementation) =>
        AddActivityFunc<TInput, TOutput>(name, (ctx, input) => Task.FromResult(implementation(ctx, input)));

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> fn) : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => fn(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> fn) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => fn(context, input);
    }
}
