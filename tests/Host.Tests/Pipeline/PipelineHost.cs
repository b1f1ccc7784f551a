using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using BatchEmbed.Hosting;
using BatchEmbed.OpenAIEmulator;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>
/// The real host (HostApp) on a random port and a temp data directory, against an emulator the test owns (so it
/// can inject faults and count batches). Everything goes through the HTTP API with the function key.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    public const string EmulatorKey = "pipeline-test-key";

    private PipelineHost(HostApp host, EmulatorServer emulator, string dataDir, bool ownsEmulator)
    {
        Host = host;
        Emulator = emulator;
        DataDir = dataDir;
        OwnsEmulator = ownsEmulator;
        Http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("x-functions-key", host.Keys.FunctionKey);
        Provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = emulator.OpenAIEndpoint, ApiKey = EmulatorKey });
    }

    public HostApp Host { get; }

    public EmulatorServer Emulator { get; }

    public string DataDir { get; }

    private bool OwnsEmulator { get; }

    public HttpClient Http { get; }

    /// <summary>A gateway to the same emulator, to look at what the pipeline created there.</summary>
    public IBatchProvider Provider { get; }

    public static Task<EmulatorServer> StartEmulatorAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions
        {
            DataDirectory = Directory.CreateTempSubdirectory("pipeline-emulator-").FullName,
            ApiKey = EmulatorKey,
            ValidationDelay = TimeSpan.FromMilliseconds(20),
            FinalizingDelay = TimeSpan.FromMilliseconds(20),
            CancellingDelay = TimeSpan.FromMilliseconds(20),
            LinesPerSecond = 0,
            TickInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return EmulatorServer.StartAsync(options, 0, l => l.SetMinimumLevel(LogLevel.Warning));
    }

    /// <param name="settings">Extra settings (e.g. <c>Pipeline:BatchMetadata:emulator_fail</c>).</param>
    public static async Task<PipelineHost> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Action<EmulatorOptions>? emulator = null, string? dataDir = null, EmulatorServer? sharedEmulator = null, bool azure = false)
    {
        EmulatorServer server = sharedEmulator ?? await StartEmulatorAsync(emulator);
        dataDir ??= Directory.CreateTempSubdirectory("pipeline-host-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = dataDir,
            ["Pipeline:PollSeconds"] = "1",
            ["OpenAI:Endpoint"] = (azure ? server.AzureEndpoint : server.OpenAIEndpoint).ToString(),
            ["OpenAI:ApiKey"] = EmulatorKey,
            ["OpenAI:Profile"] = azure ? "azure" : "emulator",
            ["Host:Port"] = "0",
            ["PollPending:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach ((string k, string? v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        HostApp host = await HostApp.StartAsync([], dataDir, all);
        return new PipelineHost(host, server, dataDir, sharedEmulator is null);
    }

    public static string Ndjson(IEnumerable<(string Id, string Text)> items) =>
        string.Concat(items.Select(i => JsonSerializer.Serialize(new { id = i.Id, text = i.Text }) + "\n"));

    public async Task<JsonObject> ImportAsync(string collection, string ndjson)
    {
        using var content = new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson");
        using HttpResponseMessage r = await Http.PostAsync($"api/collections/{collection}/items", content);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Starts an orchestration through the API (202 expected) and waits for it to finish.</summary>
    public async Task<JsonObject> RunAsync(string path, object? body = null, int timeoutSeconds = 90)
    {
        using HttpResponseMessage r = await Http.PostAsJsonAsync(path, body ?? new { });
        string text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Accepted, $"{(int)r.StatusCode}: {text}");
        string id = (string)JsonNode.Parse(text)!["id"]!;
        return await WaitAsync(id, timeoutSeconds);
    }

    public Task<JsonObject> WaitAsync(string instanceId, int timeoutSeconds = 90) =>
        InstanceWaits.WaitAsync(() => AdminGetAsync($"runtime/webhooks/durabletask/instances/{instanceId}"), instanceId, timeoutSeconds, 100);

    public Task<JsonObject> SubmitAsync(string collection, object? body = null) => RunAsync($"api/embeddings/{collection}/submit", body);

    public Task<JsonObject> IngestAsync(string collection) => RunAsync($"api/embeddings/{collection}/ingest", new { wait = true });

    public async Task<JsonObject> StatsAsync(string collection) => (await GetAsync($"api/collections/{collection}/stats")).AsObject();

    public async Task<JsonNode> GetAsync(string path)
    {
        using HttpResponseMessage r = await Http.GetAsync(path);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    public async Task<JsonObject> AdminGetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("x-functions-key", Host.Keys.AdminKey);
        using HttpResponseMessage r = await Http.SendAsync(request);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonArray> SearchAsync(string collection, string text, int k = 3)
    {
        using HttpResponseMessage r = await Http.PostAsJsonAsync($"api/collections/{collection}/search", new { text, k });
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["hits"]!.AsArray();
    }

    /// <summary>Every batch the emulator holds.</summary>
    public async Task<List<ProviderBatch>> ProviderBatchesAsync()
    {
        var list = new List<ProviderBatch>();
        await foreach (ProviderBatch b in Provider.ListBatchesAsync(CancellationToken.None))
        {
            list.Add(b);
        }

        return list;
    }

    public static long Count(JsonObject stats, string status) => (long)stats["items"]![status]!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        if (OwnsEmulator)
        {
            await Emulator.DisposeAsync();
        }
    }
}
