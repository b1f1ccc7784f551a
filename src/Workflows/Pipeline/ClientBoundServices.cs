using Microsoft.DurableTask.Client;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// One invocation's services with a given <see cref="DurableTaskClient"/>: the client and the pipeline services built
/// on it (<see cref="PipelineServiceCollectionExtensions.ClientServices"/>) come from here, everything else from the
/// host's container. The Functions app uses it with the client its <c>[DurableClient]</c> binding hands each function.
/// </summary>
public sealed class ClientBoundServices(IServiceProvider services, DurableTaskClient client) : IServiceProvider
{
    private readonly Dictionary<Type, object> _made = [];

    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceType == typeof(DurableTaskClient))
        {
            return client;
        }

        if (!PipelineServiceCollectionExtensions.ClientServices.Contains(serviceType))
        {
            return services.GetService(serviceType);
        }

        lock (_made)
        {
            if (!_made.TryGetValue(serviceType, out object? made))
            {
                made = ActivatorUtilities.CreateInstance(this, serviceType);
                _made[serviceType] = made;
            }

            return made;
        }
    }

    /// <summary>A service, or a workflow class (activity, entity) created with its dependencies from here.</summary>
    public T Get<T>()
        where T : notnull => GetService(typeof(T)) is T service ? service : ActivatorUtilities.CreateInstance<T>(this);
}
