using System.Text.Json.Nodes;
using BatchEmbed.Hosting;
using BatchEmbed.Hosting.Settings;
using BatchEmbed.Workflows.Settings;
using BatchEmbed.Hosting.Timers;
using BatchEmbed.DurableTask.Sidecar;
using BatchEmbed.DurableTask.Sidecar.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

public sealed class HostSettingsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Settings_come_from_host_json_then_local_settings_values_and_environment_overrides_win()
    {
        string root = Directory.CreateTempSubdirectory("host-root-").FullName;
        File.WriteAllText(Path.Combine(root, "host.json"), """
            { "version": "2.0", "extensions": { "http": { "routePrefix": "custom" }, "durableTask": { "hubName": "FromHostJson", "maxConcurrentActivityFunctions": 4 } } }
            """);
        File.WriteAllText(Path.Combine(root, "local.settings.json"), """
            { "IsEncrypted": false, "Values": { "Pipeline__MaxAttempts": "7", "Pipeline__PageSize": "123", "PollPending__Enabled": "false" } }
            """);
        var env = new Dictionary<string, string?> { ["Pipeline:PageSize"] = "456", ["Pipeline:DataDirectory"] = Path.Combine(root, "data"), ["Host:Port"] = "0" };
        await using HostApp host = await HostApp.StartAsync([], root, env);

        PipelineOptions options = host.Services.GetRequiredService<PipelineOptions>();
        Assert.Equal(7, options.MaxAttempts);      // local.settings.json Values
        Assert.Equal(456, options.PageSize);       // overridden
        Assert.Equal("custom", host.RoutePrefix);  // host.json
        Assert.True(File.Exists(Path.Combine(root, "data", HostKeys.FileName)));
        Assert.True(host.Keys.FunctionKeyGenerated && host.Keys.AdminKeyGenerated);

        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Add("x-functions-key", host.Keys.FunctionKey);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("custom/batches")).StatusCode);
        var accepted = JsonNode.Parse(await (await http.PostAsync("custom/embeddings/reset", new StringContent("{\"collections\":[]}"))).Content.ReadAsStringAsync())!;
        Assert.Contains("collections", (string)accepted["detail"]!, StringComparison.Ordinal);
        string monitor = await http.GetStringAsync("monitor");
        Assert.Contains("<meta name=\"batchembed-api\" content=\"/custom\">", monitor, StringComparison.Ordinal); // the page calls the API where it is
        Assert.Contains("src=\"/monitor/app.js\"", monitor, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_settings_stop_the_host_with_a_clear_message()
    {
        string root = Directory.CreateTempSubdirectory("host-root-").FullName;
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Pipeline:EncodingFormat"] = "hex",
        }));
        Assert.Contains("Pipeline__EncodingFormat", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["PollPending:Schedule"] = "every minute",
        }));
        Assert.Contains("NCRONTAB", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["OpenAI:Endpoint"] = "https://api.openai.com/v1/",
        }));
        Assert.Contains("OpenAI__ApiKey", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Storage:Provider"] = "azure",
        }));
        Assert.Contains("Storage__ConnectionString", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Storage:Provider"] = "azure",
            ["Storage:AccountName"] = "Not An Account",
        }));
        Assert.Contains("Storage__AccountName", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Durable:BackendAddress"] = "127.0.0.1:4001",
        }));
        Assert.Contains("Durable__BackendAddress", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Pipeline:EnqueuedTokenLimit"] = "100",
        }));
        Assert.Contains("Pipeline__EnqueuedTokenLimit must be at least 8,192", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<InvalidOperationException>(() => HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Pipeline:OpenAIUsageTier"] = "6",
        }));
        Assert.Contains("Pipeline__OpenAIUsageTier", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Enqueued_token_limits_bind_per_model_and_cap_the_tokens_of_each_batch()
    {
        string root = Directory.CreateTempSubdirectory("host-root-").FullName;
        await using HostApp host = await HostApp.StartAsync([], root, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Path.Combine(root, "data"),
            ["Host:Port"] = "0",
            ["PollPending:Enabled"] = "false",
            ["Pipeline:EnqueuedTokenLimit"] = "5000000",
            ["Pipeline:EnqueuedTokenLimits:text-embedding-3-small"] = "900000",
            ["Pipeline:MaxOpenBatches"] = "5",
            ["Pipeline:OpenAIUsageTier"] = "2",
        });
        PipelineOptions options = host.Services.GetRequiredService<PipelineOptions>();
        var limits = options.QuotaLimits();
        Assert.Equal(900_000, limits.TokenLimit("text-embedding-3-small"));
        Assert.Equal(5_000_000, limits.TokenLimit("text-embedding-3-large")); // the every-model setting wins over the tier's 20M
        Assert.Equal(5, limits.MaxOpenBatches);
        Assert.Equal(900_000, host.Services.GetRequiredService<BatchEmbed.Workflows.Pipeline.EmbeddingConfig>().MaxTokensPerBatch());
    }

    [Fact(Timeout = 120_000)]
    public async Task With_a_backend_address_the_host_runs_its_workflows_on_that_backend_and_starts_none_of_its_own()
    {
        string data = Directory.CreateTempSubdirectory("host-external-backend-").FullName;
        string hub = Path.Combine(data, "elsewhere", "hub.db");
        await using EmbeddedBackend backend = await EmbeddedBackend.StartAsync(new SidecarOptions { DatabasePath = hub });
        await using (PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Durable:BackendAddress"] = backend.Address + "/" }, dataDir: data))
        {
            Assert.Null(host.Host.Backend);
            Assert.Equal(backend.Address, host.Host.BackendAddress);
            await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(20)));
            JsonObject submit = await host.SubmitAsync("lines");
            Assert.Equal("submitted", (string)submit["outcome"]!);
        }

        Assert.False(File.Exists(Path.Combine(data, "durable.db")));
        await using SdkClient client = await SdkClient.StartAsync(backend.Address);
        OrchestrationMetadata? run = await client.Client.GetInstanceAsync("submit-lines");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, run?.RuntimeStatus); // its history is in the other backend
    }

    [Fact(Timeout = 120_000)]
    public async Task PollPending_starts_one_ingest_per_collection_skips_running_ones_and_submits_in_auto_mode()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:Mode"] = "auto" }, emulator: o => o.LinesPerSecond = 20);
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(60)));
        await host.ImportAsync("words", PipelineHost.Ndjson(EndToEndTests.Corpus(10, "w")));
        PollPendingTimer timer = host.Host.Services.GetRequiredService<PollPendingTimer>();
        DurableTaskClient client = host.Host.Services.GetRequiredService<DurableTaskClient>();

        await timer.RunOnceAsync(CancellationToken.None); // auto: submits both collections, and starts their ingests
        await host.WaitAsync("submit-lines");
        await host.WaitAsync("submit-words");
        Assert.NotNull(await client.GetInstanceAsync("ingest-lines"));
        Assert.NotNull(await client.GetInstanceAsync("ingest-words"));

        // A running ingest is left alone: the timer does not start another under the same id.
        await host.WaitAsync("ingest-lines");
        (await host.Http.PostAsync("api/embeddings/lines/ingest", new StringContent("{\"wait\":true}"))).EnsureSuccessStatusCode();
        OrchestrationMetadata running = (await client.GetInstanceAsync("ingest-lines", true))!;
        await timer.RunOnceAsync(CancellationToken.None);
        OrchestrationMetadata after = (await client.GetInstanceAsync("ingest-lines", true))!;
        Assert.Equal(running.CreatedAt, after.CreatedAt);
        Assert.Contains("\"wait\":true", after.SerializedInput, StringComparison.Ordinal);

        // Until every batch is ingested, each tick polls again.
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded") < 60 || PipelineHost.Count(await host.StatsAsync("words"), "Succeeded") < 10)
        {
            Assert.True(DateTime.UtcNow < until, "the timer's ingests did not finish the job");
            await timer.RunOnceAsync(CancellationToken.None);
            await Task.Delay(300);
        }

        Assert.Equal(2, (await host.ProviderBatchesAsync()).Count); // auto mode never submitted the same items twice
    }
}
