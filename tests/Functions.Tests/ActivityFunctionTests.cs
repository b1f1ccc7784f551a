using BatchEmbed.Workflows;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Functions.Tests;

/// <summary>
/// Every activity function can build its activity the way its wrapper does: from the app's own container (which, as in
/// a Functions host, has no DurableTaskClient), plus the bound Durable client where its metadata declares the
/// <c>durableClient</c> binding. An activity that needs the client but whose function lacks the binding would fail on
/// every call on Azure; this finds it at build time.
/// </summary>
public sealed class ActivityFunctionTests
{
    [Fact]
    public async Task Every_activity_can_be_built_by_its_function_with_the_bindings_it_declares()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Directory.CreateTempSubdirectory("functions-activities-").FullName,
            ["OpenAI:Endpoint"] = "http://127.0.0.1:9/v1/",
            ["OpenAI:ApiKey"] = "test-key",
            ["Storage:Provider"] = "embedded", // the app defaults to azure on AzureWebJobsStorage (FunctionsStorageTests)
        }).Build();
        await using ServiceProvider app = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddBatchEmbed(config).BuildServiceProvider();
        Assert.Null(app.GetService<DurableTaskClient>());
        await using ServiceProvider binding = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddDurableTaskClient(b => b.UseGrpc("http://127.0.0.1:9")).BuildServiceProvider();
        DurableTaskClient client = binding.GetRequiredService<DurableTaskClient>();

        var metadata = FunctionsBuild.Metadata().Select(f => f!.AsObject()).ToDictionary(f => (string)f["name"]!);
        var failures = new List<string>();
        foreach ((string name, Type type) in WorkflowRegistry.Activities)
        {
            bool bound = metadata[name]["bindings"]!.AsArray().Any(b => (string)b!["type"]! == "durableClient");
            try
            {
                _ = bound ? new ClientBoundServices(app, client).GetService(type) ?? ActivatorUtilities.CreateInstance(new ClientBoundServices(app, client), type) : ActivatorUtilities.CreateInstance(app, type);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{name} ({(bound ? "with" : "without")} the durable client): {ex.Message}");
            }
        }

        Assert.Empty(failures);
    }
}
