using BatchEmbed.DurableTask.Sidecar;
using BatchEmbed.DurableTask.Sidecar.Hosting;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>The durable backend in this process, on a SQLite file, listening on a free loopback port.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly EmbeddedBackend _backend;

    private Backend(EmbeddedBackend backend, string databasePath)
    {
        _backend = backend;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public string Address => _backend.Address;

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "sidecar-tests", Guid.NewGuid().ToString("N"), "hub.db");

    public static async Task<Backend> StartAsync(string? databasePath = null, Func<SidecarOptions, SidecarOptions>? backend = null)
    {
        databasePath ??= NewDatabasePath();
        SidecarOptions options = new() { DatabasePath = databasePath };
        options = backend?.Invoke(options) ?? options;
        return new Backend(await EmbeddedBackend.StartAsync(options), databasePath);
    }

    public ValueTask DisposeAsync() => _backend.DisposeAsync();
}
