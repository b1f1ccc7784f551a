using BatchEmbed.DurableTask;
using BatchEmbed.DurableTask.Http;
using BatchEmbed.DurableTask.Worker;
using BatchEmbed.Functions.Activities;
using BatchEmbed.Functions.Entities;
using BatchEmbed.Functions.Http;
using BatchEmbed.Functions.Monitor;
using BatchEmbed.Functions.Orchestrators;
using BatchEmbed.Functions.Pipeline;
using BatchEmbed.Functions.Settings;
using BatchEmbed.Functions.Timers;
using BatchEmbed.OpenAIEmulator;
using Microsoft.AspNetCore.Diagnostics;

namespace BatchEmbed.Functions.Hosting;

/// <summary>
/// The local Functions-like host (what <c>func start</c> is for Azure Functions): settings, keys, the durable worker and
/// client on SQLite, the embedded stores, the HTTP API, the PollPending timer, and the emulator when no OpenAI endpoint
/// is configured.
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    private FunctionsHost(WebApplication app, EmulatorServer? emulator, HostKeys keys, string routePrefix)
    {
        App = app;
        Emulator = emulator;
        Keys = keys;
        RoutePrefix = routePrefix;
    }

    public WebApplication App { get; }

    public EmulatorServer? Emulator { get; }

    public HostKeys Keys { get; }

    public string RoutePrefix { get; }

    public Uri BaseUrl => new(App.Urls.First().TrimEnd('/') + "/");

    public IServiceProvider Services => App.Services;

    /// <summary>Builds and starts the host.</summary>
    /// <param name="root">Where host.json and local.settings.json are read from (the app root).</param>
    /// <param name="overrides">Settings applied last (tests).</param>
    public static async Task<FunctionsHost> StartAsync(string[] args, string? root = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        root ??= Directory.GetCurrentDirectory();
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = root });
        HostConfiguration.Apply(builder.Configuration, root, args, overrides);
        IConfiguration config = builder.Configuration;

        PipelineOptions pipeline = Bind<PipelineOptions>(config, PipelineOptions.Section).Validate();
        pipeline.DataDirectory = Path.GetFullPath(pipeline.DataDirectory, root);
        ProviderOptions provider = Bind<ProviderOptions>(config, ProviderOptions.Section).Validate();
        HostingOptions hosting = Bind<HostingOptions>(config, HostingOptions.Section);
        hosting.RoutePrefix = config[$"{HostConfiguration.HostJsonPrefix}:extensions:http:routePrefix"] ?? hosting.RoutePrefix;
        hosting.Validate();
        PollPendingOptions timer = Bind<PollPendingOptions>(config, PollPendingOptions.Section).Validate();
        DurableOptions durable = Bind<DurableOptions>(config, DurableOptions.Section).Validate();
        HostKeys keys = HostKeys.Resolve(pipeline.DataDirectory, hosting);

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
        builder.Services.AddPipeline(pipeline, provider, endpoint, apiKey);
        builder.Services.AddSingleton<SyncRateLimiter>();
        builder.Services.AddSingleton<SyncEmbedder>();
        builder.Services.AddSingleton<ResultFiles>();
        builder.Services.AddSingleton<RunStarter>();
        builder.Services.AddSingleton<CollectionStatsReader>();
        builder.Services.AddSingleton<PollPendingTimer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PollPendingTimer>());

        string cs = $"Data Source={Path.Combine(pipeline.DataDirectory, "durable.db")}";
        builder.Services.AddDurableTaskWorker(b => b
            .AddTasks(RegisterTasks)
            .UseSqlite(cs)
            .Configure(o =>
            {
                o.MaxConcurrentActivityWorkItems = durable.MaxConcurrentActivityFunctions;
                o.MaxConcurrentOrchestrationWorkItems = durable.MaxConcurrentOrchestratorFunctions;
            }));
        builder.Services.AddDurableTaskClient(b => b.UseSqlite(cs));

        WebApplication app = builder.Build();
        var durableApi = new DurableHttpApiOptions { TaskHubName = durable.HubName, KeyForUris = _ => keys.DurableKey };
        MapEndpoints(app, hosting, keys, durableApi);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BatchEmbed.Functions.Host");
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

        try
        {
            await app.StartAsync();
        }
        catch
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }

            throw;
        }

        Log.Listening(logger, app.Urls.First(), hosting.RoutePrefix, pipeline.DataDirectory);
        return new FunctionsHost(app, emulator, keys, hosting.RoutePrefix);
    }

    public static void RegisterTasks(DurableTaskRegistry r)
    {
        ArgumentNullException.ThrowIfNull(r);
        r.AddOrchestrator<SubmitEmbeddings>()
            .AddOrchestrator<IngestEmbeddings>()
            .AddOrchestrator<ResetEmbeddings>()
            .AddOrchestrator<EnrichAuto>()
            .AddOrchestrator<CancelBatch>()
            .AddActivity<FindUnembedded>()
            .AddActivity<ChunkAndSerialize>()
            .AddActivity<SubmitBatch>()
            .AddActivity<ListPendingBatches>()
            .AddActivity<PollBatch>()
            .AddActivity<StoreResults>()
            .AddActivity<CompactDeltas>()
            .AddActivity<ExportBatchSummaries>()
            .AddActivity<DeleteBatchSummaries>()
            .AddActivity<ResetItemStatuses>()
            .AddActivity<CancelProviderBatch>()
            .AddActivity<ListCollections>()
            .AddActivity<WriteEnrichmentReport>()
            .AddEntity(BatchSummaryEntity.Name, _ => new BatchSummaryEntity())
            .AddEntity(CheckpointEntity.Name, _ => new CheckpointEntity());
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
        api.MapCollectionsApi().MapEmbeddingsApi(durableApi).MapBatchesApi(durableApi);

        app.MapMonitor();
        app.MapDurableTaskManagementApi(durableApi)
            .AddEndpointFilter(new KeyFilter([keys.AdminKey, keys.DurableKey], hosting.AllowAnonymous));
    }

    private static T Bind<T>(IConfiguration config, string section)
        where T : new()
    {
        var value = new T();
        try
        {
            config.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"The {section} settings could not be read: {ex.Message}", ex);
        }

        return value;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
