using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.OpenAIEmulator;

/// <summary>The emulator as a running server on loopback, for tests and for the main job.</summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, Uri baseUrl, EmulatorOptions options)
    {
        _app = app;
        BaseUrl = baseUrl;
        Options = options;
    }

    /// <summary>The root URL; the OpenAI endpoint is <c>{BaseUrl}v1/</c>, the Azure v1 one <c>{BaseUrl}openai/v1/</c>.</summary>
    public Uri BaseUrl { get; }

    public Uri OpenAIEndpoint => new(BaseUrl, "v1/");

    public Uri AzureEndpoint => new(BaseUrl, "openai/v1/");

    public EmulatorOptions Options { get; }

    /// <summary>Starts on 127.0.0.1 (port 0 picks a free one).</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, int port = 0, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxFileBytes + 1_000_000);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxFileBytes + 1_000_000);
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.Services.AddOpenAIEmulator(options);
        WebApplication app = builder.Build();
        app.MapOpenAIEmulator();
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorServer(app, new Uri(address.TrimEnd('/') + "/"), options);
    }

    /// <summary>Completes when the process is asked to stop (Ctrl+C, SIGINT or SIGTERM) and the server has shut down.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>The most tokens this emulator has held enqueued at once (see <see cref="EmulatorOptions.EnqueuedTokenLimit"/>).</summary>
    public long PeakEnqueuedTokens => _app.Services.GetRequiredService<Storage.EmulatorStore>().PeakEnqueuedTokens;

    /// <summary>Advances every batch once, immediately (tests use it instead of waiting for the next tick).</summary>
    public Task TickAsync(CancellationToken cancellationToken = default) =>
        _app.Services.GetRequiredService<Processing.BatchProcessor>().TickAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
