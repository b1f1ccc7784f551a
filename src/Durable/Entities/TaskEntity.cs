using System.Reflection;

namespace BatchEmbed.DurableTask.Entities;

/// <summary>
/// An entity whose operations are its public methods, dispatched by name (case-insensitive): at most one input
/// parameter plus an optional <see cref="TaskEntityContext"/>; returning void, a value, Task, Task&lt;T&gt; or
/// ValueTask(&lt;T&gt;). State is written back after each operation. "delete" removes the state unless overridden.
/// </summary>
public abstract class TaskEntity<TState> : ITaskEntity
{
    protected TState State { get; set; } = default!;

    protected TaskEntityContext Context { get; private set; } = null!;

    protected virtual TState InitializeState(TaskEntityOperation operation) => Activator.CreateInstance<TState>();

    async ValueTask<object?> ITaskEntity.RunAsync(TaskEntityOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        Context = operation.Context;
        State = operation.State.HasState ? (TState)operation.State.GetState(typeof(TState))! : InitializeState(operation);

        MethodInfo? method = FindMethod(operation.Name);
        if (method is null)
        {
            if (string.Equals(operation.Name, "delete", StringComparison.OrdinalIgnoreCase))
            {
                operation.State.SetState(null);
                return null;
            }

            throw new NotSupportedException($"Entity '{GetType().Name}' has no operation '{operation.Name}'.");
        }

        object? result = method.Invoke(this, BindArguments(method, operation));
        result = await Unwrap(result);
        operation.State.SetState(State);
        return result;
    }

    private MethodInfo? FindMethod(string name)
    {
        MethodInfo[] candidates = GetType()
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase) && m.DeclaringType != typeof(object))
            .ToArray();
        return candidates.Length switch
        {
            0 => null,
            1 => candidates[0],
            _ => throw new AmbiguousMatchException($"Entity '{GetType().Name}' has more than one method named '{name}'."),
        };
    }

    private static object?[] BindArguments(MethodInfo method, TaskEntityOperation operation)
    {
        ParameterInfo[] parameters = method.GetParameters();
        var args = new object?[parameters.Length];
        bool inputUsed = false;
        for (int i = 0; i < parameters.Length; i++)
        {
            Type t = parameters[i].ParameterType;
            if (t == typeof(TaskEntityContext))
            {
                args[i] = operation.Context;
            }
            else if (!inputUsed)
            {
                inputUsed = true;
                args[i] = operation.HasInput ? operation.GetInput(t)
                    : parameters[i].HasDefaultValue ? parameters[i].DefaultValue
                    : throw new InvalidOperationException($"Operation '{operation.Name}' needs an input of type {t.Name}.");
            }
            else
            {
                throw new InvalidOperationException($"Operation '{method.Name}' takes more than one input parameter.");
            }
        }

        return args;
    }

    private static async ValueTask<object?> Unwrap(object? result)
    {
        switch (result)
        {
            case Task task:
                await task;
                Type type = task.GetType();
                return type.IsGenericType ? type.GetProperty("Result")!.GetValue(task) : null;
            case ValueTask vt:
                await vt;
                return null;
            default:
                if (result is not null && result.GetType().IsGenericType && result.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)result.GetType().GetMethod("AsTask")!.Invoke(result, null)!;
                    await asTask;
                    return asTask.GetType().GetProperty("Result")!.GetValue(asTask);
                }

                return result;
        }
    }
}
