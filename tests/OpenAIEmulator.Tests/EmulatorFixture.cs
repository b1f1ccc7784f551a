using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;

namespace BatchEmbed.OpenAIEmulator.Tests;

/// <summary>A fast emulator on a random loopback port with its own data directory, and a gateway pointed at it.</summary>
internal sealed class EmulatorFixture : IAsyncDisposable
{
    public const string Key = "test-key";

    private EmulatorFixture(EmulatorServer server, string dataDir)
    {
        Server = server;
        DataDir = dataDir;
        Provider = new OpenAIBatchProvider(new OpenAIProviderOptions { Profile = "emulator", Endpoint = server.OpenAIEndpoint, ApiKey = Key, NetworkTimeout = TimeSpan.FromSeconds(2) });
        Http = new HttpClient { BaseAddress = server.OpenAIEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
    }

    public EmulatorServer Server { get; }

    public string DataDir { get; }

    public IBatchProvider Provider { get; }

    public HttpClient Http { get; }

    public static async Task<EmulatorFixture> StartAsync(Action<EmulatorOptions>? configure = null, string? dataDir = null)
    {
        dataDir ??= Directory.CreateTempSubdirectory("emulator-").FullName;
        var options = new EmulatorOptions
        {
            DataDirectory = dataDir,
            ApiKey = Key,
            ValidationDelay = TimeSpan.Zero,
            FinalizingDelay = TimeSpan.Zero,
            CancellingDelay = TimeSpan.Zero,
            LinesPerSecond = 0,
            TickInterval = TimeSpan.FromMilliseconds(20),
        };
        configure?.Invoke(options);
        return new EmulatorFixture(await EmulatorServer.StartAsync(options), dataDir);
    }

    public async Task<string> UploadAsync(string content, string name = "input.jsonl")
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        return await Provider.UploadBatchFileAsync(stream, name, CancellationToken.None);
    }

    public async Task<ProviderBatch> WaitTerminalAsync(string id, int seconds = 30)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            ProviderBatch b = await Provider.GetBatchAsync(id, CancellationToken.None);
            if (b.IsTerminal)
            {
                return b;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"batch {id} is still {b.Status}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
