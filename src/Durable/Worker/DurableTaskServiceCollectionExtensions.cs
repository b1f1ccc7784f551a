using System.Collections.Concurrent;
using BatchEmbed.DurableTask.Sqlite;
using BatchEmbed.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask;

/// <summary>Hosting shaped like durabletask-dotnet: <c>AddDurableTaskWorker(b => b.AddTasks(...).UseSqlite(cs))</c>.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    public static IServiceCollection AddDurableTaskWorker(this IServiceCollection services, Action<DurableTaskWorkerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new DurableTaskWorkerBuilder(services);
        configure(builder);
        string cs = builder.ConnectionString ?? throw new InvalidOperationException("The durable worker needs a store: call UseSqlite(connectionString).");
        services.TryAddSingleton<SqliteStoreProvider>();
        services.AddSingleton(builder.Options);
        services.AddSingleton<IHostedService>(sp => new DurableTaskWorker(
            sp.GetRequiredService<SqliteStoreProvider>().Get(cs),
            builder.Registry,
            builder.Options,
            sp,
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    public static IServiceCollection AddDurableTaskClient(this IServiceCollection services, Action<DurableTaskClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new DurableTaskClientBuilder(services);
        configure(builder);
        string cs = builder.ConnectionString ?? throw new InvalidOperationException("The durable client needs a store: call UseSqlite(connectionString).");
        services.TryAddSingleton<SqliteStoreProvider>();
        services.TryAddSingleton<DurableTaskClient>(sp => new SqliteDurableTaskClient(sp.GetRequiredService<SqliteStoreProvider>().Get(cs), builder.MaximumPayloadBytes));
        return services;
    }
}

/// <summary>Configures a worker: its tasks, its store and its options.</summary>
public sealed class DurableTaskWorkerBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    public DurableTaskRegistry Registry { get; } = new();

    public DurableTaskWorkerOptions Options { get; } = new();

    internal string? ConnectionString { get; private set; }

    public DurableTaskWorkerBuilder AddTasks(Action<DurableTaskRegistry> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Registry);
        return this;
    }

    public DurableTaskWorkerBuilder Configure(Action<DurableTaskWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        Options.Validate();
        return this;
    }

    public DurableTaskWorkerBuilder UseSqlite(string connectionString)
    {
        new SqliteStoreOptions(connectionString).Validate();
        ConnectionString = connectionString;
        return this;
    }
}

/// <summary>Configures a client: its store.</summary>
public sealed class DurableTaskClientBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    public int MaximumPayloadBytes { get; set; } = 1024 * 1024;

    internal string? ConnectionString { get; private set; }

    public DurableTaskClientBuilder UseSqlite(string connectionString)
    {
        new SqliteStoreOptions(connectionString).Validate();
        ConnectionString = connectionString;
        return this;
    }
}

/// <summary>One store per database file in a process, shared by its worker and client (so local commits wake the worker).</summary>
internal sealed class SqliteStoreProvider : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SqliteStore>> _stores = new(StringComparer.Ordinal);

    public SqliteStore Get(string connectionString) =>
        _stores.GetOrAdd(connectionString, cs => new Lazy<SqliteStore>(() => new SqliteStore(new SqliteStoreOptions(cs)))).Value;

    public void Dispose()
    {
        foreach (Lazy<SqliteStore> s in _stores.Values)
        {
            if (s.IsValueCreated)
            {
                s.Value.Dispose();
            }
        }
    }
}
