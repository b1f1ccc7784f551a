using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;
using BatchEmbed.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Functions.Tests;

/// <summary>
/// The HTTP functions called directly, as the Functions host would call them, with a <see cref="DefaultHttpContext"/>
/// and the app's own service registration: bad input is refused with problem+json before anything starts.
/// </summary>
public sealed class HttpFunctionTests : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private DurableTaskClient _client = null!;

    public async Task InitializeAsync()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = Directory.CreateTempSubdirectory("functions-http-").FullName,
            ["OpenAI:Endpoint"] = "http://127.0.0.1:9/v1/", // never called on these paths
            ["OpenAI:ApiKey"] = "test-key",
            ["Storage:Provider"] = "embedded", // the app defaults to azure on AzureWebJobsStorage (FunctionsStorageTests)
        }).Build();
        var services = new ServiceCollection().AddLogging(l => l.ClearProviders()).AddBatchEmbed(config);
        services.AddDurableTaskClient(b => b.UseGrpc("http://127.0.0.1:9")); // stands in for the [DurableClient] binding; never called here
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<DurableTaskClient>();
        await _services.GetRequiredService<IItemStore>().ImportAsync("known", Items(("a", "one line")), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Import_refuses_a_bad_collection_name_and_a_body_with_no_valid_line()
    {
        (int status, JsonObject body) = await CallAsync("Api_ImportItems", "post", "not valid!", (req, ctx) => CollectionsFunctions.ImportAsync(req, "not valid!", ctx));
        Assert.Equal(400, status);
        Assert.Contains("Invalid collection name", (string)body["detail"]!, StringComparison.Ordinal);

        (status, body) = await CallAsync("Api_ImportItems", "post", "{not json\n{\"id\":\"x\"}\n", (req, ctx) => CollectionsFunctions.ImportAsync(req, "fresh", ctx));
        Assert.Equal(400, status);
        Assert.Equal(2, body["rejected"]!.AsArray().Count);
    }

    [Fact]
    public async Task Starters_refuse_unknown_collections_bad_json_and_bad_values_before_starting_anything()
    {
        (int status, JsonObject body) = await CallAsync("Api_Submit", "post", "{}", (req, ctx) => EmbeddingsFunctions.SubmitAsync(req, "nobody", _client, ctx));
        Assert.Equal(404, status);
        Assert.Contains("import items first", (string)body["detail"]!, StringComparison.Ordinal);

        (status, body) = await CallAsync("Api_Submit", "post", "{\"budgetUsd\": -1}", (req, ctx) => EmbeddingsFunctions.SubmitAsync(req, "known", _client, ctx));
        Assert.Equal(400, status);
        Assert.Contains("budgetUsd", (string)body["detail"]!, StringComparison.Ordinal);

        (status, body) = await CallAsync("Api_Ingest", "post", "{\"wait\": ", (req, ctx) => EmbeddingsFunctions.IngestAsync(req, "known", _client, ctx));
        Assert.Equal(400, status);
        Assert.Contains("not valid JSON", (string)body["detail"]!, StringComparison.Ordinal);

        (status, body) = await CallAsync("Api_Reset", "post", "{\"collections\": []}", (req, ctx) => EmbeddingsFunctions.ResetAsync(req, _client, ctx));
        Assert.Equal(400, status);
        Assert.Contains("collections", (string)body["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_and_batch_errors_refuse_malformed_requests()
    {
        (int status, JsonObject body) = await CallAsync("Api_Search", "post", "{\"k\": 5}", (req, ctx) => CollectionsFunctions.SearchAsync(req, "known", ctx));
        Assert.Equal(400, status);
        Assert.Contains("exactly one of", (string)body["detail"]!, StringComparison.Ordinal);

        (status, body) = await CallAsync("Api_BatchErrors", "get", null, (req, ctx) => BatchesFunctions.ErrorsAsync(req, "b1", _client, ctx), "?limit=ten");
        Assert.Equal(400, status);
        Assert.Contains("\"limit\"", (string)body["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_page_calls_the_api_under_the_route_prefix_and_unknown_assets_are_404()
    {
        var http = NewContext("get", null, string.Empty);
        IResult page = MonitorFunction.Serve(http.Request, null, new TestFunctionContext(_services, "Monitor"));
        await page.ExecuteAsync(http);
        string html = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        Assert.Contains("<meta name=\"batchembed-api\" content=\"/api\">", html, StringComparison.Ordinal);
        Assert.Contains("src=\"/api/monitor/app.js\"", html, StringComparison.Ordinal);

        http = NewContext("get", null, string.Empty);
        await MonitorFunction.Serve(http.Request, "secrets.json", new TestFunctionContext(_services, "Monitor")).ExecuteAsync(http);
        Assert.Equal(404, http.Response.StatusCode);
    }

    [Fact]
    public void Without_an_OpenAI_endpoint_the_app_stops_saying_what_to_set()
    {
        IConfiguration config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:DataDirectory"] = Path.GetTempPath() }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddBatchEmbed(config));
        Assert.Contains("OpenAI__Endpoint", ex.Message, StringComparison.Ordinal);
    }

    private async Task<(int Status, JsonObject Body)> CallAsync(string function, string method, string? body, Func<HttpRequest, TestFunctionContext, Task<IResult>> call, string query = "")
    {
        DefaultHttpContext http = NewContext(method, body, query);
        IResult result = await call(http.Request, new TestFunctionContext(_services, function));
        await result.ExecuteAsync(http);
        string text = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
        Assert.StartsWith("application/problem+json", http.Response.ContentType, StringComparison.Ordinal);
        return (http.Response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    private DefaultHttpContext NewContext(string method, string? body, string query)
    {
        var http = new DefaultHttpContext { RequestServices = _services };
        http.Request.Method = method.ToUpperInvariant();
        http.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            http.Request.Body = new MemoryStream(bytes);
            http.Request.ContentLength = bytes.Length;
            http.Request.ContentType = "application/json";
        }

        http.Response.Body = new MemoryStream();
        return http;
    }

    private static async IAsyncEnumerable<CorpusItem> Items(params (string Id, string Text)[] items)
    {
        foreach ((string id, string text) in items)
        {
            yield return new CorpusItem(id, text, null, null);
        }

        await Task.CompletedTask;
    }
}
