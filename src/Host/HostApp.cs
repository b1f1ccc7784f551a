using BatchEmbed.DurableTask.Sidecar;
using BatchEmbed.DurableTask.Sidecar.Hosting;
using BatchEmbed.Hosting.Durable;
using BatchEmbed.Hosting.Http;
using BatchEmbed.Hosting.Monitor;
using BatchEmbed.Hosting.Settings;
using BatchEmbed.Hosting.Timers;
using BatchEmbed.OpenAIEmulator;
using BatchEmbed.Workflows;
using BatchEmbed.Workflows.Http;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Worker;

namespace BatchEmbed.Hosting;

/// <summary>
/// The standalone host (what <c>func start</c> is for the Functions app, with nothing to install): settings, keys, the
/// workflows on the Durable Task SDK's gRPC worker and client over the durable backend (in this process unless
/// <c>Durable__BackendAddress</c> names one), the embedded stores, the HTTP API, the PollPending timer, and the
/// emulator when no OpenAI endpoint is configured.
/// </summary>
public sealed class HostApp : IAsyncDisposable
{
    private HostApp(WebApplication app, EmbeddedBackend? backend, string backendAddress, EmulatorServer? emulator, HostKeys keys, string routePrefix)
    {
        App = app;
        Backend = backend;
        BackendAddress = backendAddress;
        Emulator = emulator;
        Keys = keys;
        RoutePrefix = routePrefix;
    }

    public WebApplication App { get; }

    /// <summary>The backend this host started, or null when it uses one at <c>Durable__BackendAddress</c>.</summary>
    public EmbeddedBackend? Backend { get; }

    /// <summary>The sidecar the worker and client use.</summary>
    public string BackendAddress { get; }

    public EmulatorServer? Emulator { get; }

    public HostKeys Keys { get; }

    public string RoutePrefix { get; }

    public Uri BaseUrl => new(App.Urls.First().TrimEnd('/') + "/");

    public IServiceProvider Services => App.Services;

    /// <summary>Builds and starts the host.</summary>
    /// <param name="root">Where host.json and local.settings.json are read from (the app root).</param>
    /// <param name="overrides">Settings applied last (tests).</param>
    public static async Task<HostApp> StartAsync(string[] args, string? root = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        root ??= Directory.GetCurrentDirectory();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = root });
        HostConfiguration.Apply(builder.Configuration, root, args, overrides);
        IConfiguration config = builder.Configuration;

        PipelineOptions pipeline = SettingsBinding.Bind<PipelineOptions>(config, PipelineOptions.Section).Validate();
        pipeline.DataDirectory = Path.GetFullPath(pipeline.DataDirectory, root);
        CompletionOptions completions = SettingsBinding.Bind<CompletionOptions>(config, CompletionOptions.Section).Validate();
        ProviderOptions provider = SettingsBinding.Bind<ProviderOptions>(config, ProviderOptions.Section).Validate();
        StorageOptions storage = SettingsBinding.Bind<StorageOptions>(config, StorageOptions.Section).Validate();
        HostingOptions hosting = SettingsBinding.Bind<HostingOptions>(config, HostingOptions.Section);
        hosting.RoutePrefix = config[$"{HostConfiguration.HostJsonPrefix}:extensions:http:routePrefix"] ?? hosting.RoutePrefix;
        hosting.Validate();
        PollPendingOptions timer = SettingsBinding.Bind<PollPendingOptions>(config, PollPendingOptions.Section).Validate();
        DurableOptions durable = SettingsBinding.Bind<DurableOptions>(config, DurableOptions.Section).Validate();
        BackendOptions backendOptions = SettingsBinding.Bind<BackendOptions>(config, BackendOptions.Section).Validate();
        HostKeys keys = HostKeys.Resolve(pipeline.DataDirectory, hosting);
        var started = new Stack<IAsyncDisposable>();
        try
        {
            return await StartAsync(builder, new Settings(pipeline, completions, storage, provider, hosting, timer, durable, backendOptions, keys), started);
        }
        catch
        {
            while (started.TryPop(out IAsyncDisposable? s))
            {
                await s.DisposeAsync();
            }

            throw;
        }
    }

    private static async Task<HostApp> StartAsync(WebApplicationBuilder builder, Settings settings, Stack<IAsyncDisposable> started)
    {
        (PipelineOptions pipeline, CompletionOptions completions, StorageOptions storage, ProviderOptions provider, HostingOptions hosting, PollPendingOptions timer, DurableOptions durable, BackendOptions backendOptions, HostKeys keys) = settings;
        EmbeddedBackend? backend = null;
        string backendAddress;
        if (string.IsNullOrWhiteSpace(backendOptions.BackendAddress))
        {
            Directory.CreateDirectory(pipeline.DataDirectory);
            var sidecar = new SidecarOptions { DatabasePath = Path.Combine(pipeline.DataDirectory, "durable.db"), TaskHubName = durable.HubName };
            backend = await EmbeddedBackend.StartAsync(sidecar);
            started.Push(backend);
            backendAddress = backend.Address;
        }
        else
        {
            backendAddress = backendOptions.BackendAddress.TrimEnd('/');
        }

        EmulatorServer? emulator = null;
        Uri endpoint;
        string apiKey;
        if (provider.UsesEmulator)
        {
            var emulatorOptions = new EmulatorOptions
            {
                DataDirectory = Path.Combine(pipeline.DataDirectory, "emulator"),
                ApiKey = keys.DurableKey,
                LinesPerSecond = provider.EmulatorLinesPerSecond,
            };
            emulator = await EmulatorServer.StartAsync(emulatorOptions, 0, l => l.SetMinimumLevel(LogLevel.Warning));
            started.Push(emulator);
            endpoint = emulator.OpenAIEndpoint;
            apiKey = emulatorOptions.ApiKey;
        }
        else
        {
            endpoint = new Uri(provider.Endpoint!.TrimEnd('/') + "/");
            apiKey = provider.ApiKey!;
        }

        builder.WebHost.UseUrls($"http://127.0.0.1:{hosting.Port}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = hosting.MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(hosting);
        builder.Services.AddSingleton(timer);
        builder.Services.AddSingleton(keys);
        builder.Services.AddPipeline(pipeline, completions, storage, provider, endpoint, apiKey).AddDurableClientServices();
        builder.Services.AddSingleton<PollPendingTimer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PollPendingTimer>());
        var converter = new JsonDataConverter(ApiJson.Options);
        builder.Services.AddDurableTaskWorker(b => b
            .AddTasks(r => r.AddWorkflows())
            .UseGrpc(backendAddress)
            .Configure(o =>
            {
                o.EnableEntitySupport = true;
                o.DataConverter = converter;
                o.Concurrency.MaximumConcurrentActivityWorkItems = durable.MaxConcurrentActivityFunctions;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = durable.MaxConcurrentOrchestratorFunctions;
            }));
        builder.Services.AddDurableTaskClient(b => b
            .UseGrpc(backendAddress)
            .Configure(o =>
            {
                o.EnableEntitySupport = true;
                o.DataConverter = converter;
            }));

        WebApplication app = builder.Build();
        var durableApi = new DurableHttpApiOptions { TaskHubName = durable.HubName, KeyForUris = _ => keys.DurableKey };
        MapEndpoints(app, hosting, keys, durableApi);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BatchEmbed.Host");
        if (emulator is not null)
        {
            Log.UsingEmulator(logger, endpoint);
        }

        EmbeddingConfig embedding = app.Services.GetRequiredService<EmbeddingConfig>();
        Log.Provider(logger, embedding.Profile.Name, endpoint, embedding.Target.Model, embedding.Fingerprint);
        if (keys.AnyGenerated)
        {
            Log.KeysGenerated(logger, Path.Combine(pipeline.DataDirectory, HostKeys.FileName));
        }

        if (hosting.AllowAnonymous)
        {
            Log.Anonymous(logger);
        }

        Log.Storage(logger, storage.EffectiveProvider, storage.Describe(pipeline.DataDirectory));
        Log.Backend(logger, backend is null ? "at" : "in this process at", backendAddress);
        started.Push(app);
        await app.StartAsync();
        Log.Listening(logger, app.Urls.First(), hosting.RoutePrefix, pipeline.DataDirectory);
        return new HostApp(app, backend, backendAddress, emulator, keys, hosting.RoutePrefix);
    }

    private static void MapEndpoints(WebApplication app, HostingOptions hosting, HostKeys keys, DurableHttpApiOptions durableApi)
    {
        app.UseExceptionHandler(e => e.Run(async http =>
        {
            Exception? ex = http.Features.Get<IExceptionHandlerFeature>()?.Error;
            IResult problem = ex switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    Problems.TooLarge($"The body is larger than the host accepts ({hosting.MaxRequestBodyBytes:N0} bytes; Host__MaxRequestBodyBytes)."),
                BadHttpRequestException b => TypedResults.Problem(b.Message, statusCode: b.StatusCode),
                _ => TypedResults.Problem("The host failed to handle the request; see its log.", statusCode: StatusCodes.Status500InternalServerError),
            };
            await problem.ExecuteAsync(http);
        }));
        app.UseStatusCodePages();

        RouteGroupBuilder api = app.MapGroup("/" + hosting.RoutePrefix.Trim('/'));
        api.AddEndpointFilter(new KeyFilter([keys.FunctionKey, keys.AdminKey], hosting.AllowAnonymous));
        CheckStatusLinks links = CheckStatusUris.For(durableApi);
        api.MapCollectionsApi().MapEmbeddingsApi(links).MapBatchesApi(links).MapLabelsApi(links).MapMigrationsApi(links);

        app.MapMonitor(hosting.RoutePrefix);
        app.MapDurableTaskManagementApi(durableApi)
            .AddEndpointFilter(new KeyFilter([keys.AdminKey, keys.DurableKey], hosting.AllowAnonymous));
    }

    private sealed record Settings(PipelineOptions Pipeline, CompletionOptions Completions, StorageOptions Storage, ProviderOptions Provider, HostingOptions Hosting, PollPendingOptions Timer,
        DurableOptions Durable, BackendOptions Backend, HostKeys Keys);

    /// <summary>Stops the app (worker, timer, API) first, then the backend it used, then the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
