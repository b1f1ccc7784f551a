using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace BatchEmbed.Hosting.Tests.Pipeline;

public sealed class BadInputTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Host:MaxRequestBodyBytes"] = "4096" });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject? Body, string? ContentType)> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? key = "function")
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Remove("x-functions-key");
        using var client = new HttpClient { BaseAddress = _host.Host.BaseUrl };
        if (key == "function")
        {
            client.DefaultRequestHeaders.Add("x-functions-key", _host.Host.Keys.FunctionKey);
        }
        else if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        using HttpResponseMessage r = await client.SendAsync(request);
        string text = await r.Content.ReadAsStringAsync();
        return (r.StatusCode, text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null, r.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 60_000)]
    public async Task Malformed_ndjson_lines_are_rejected_by_line_number_and_the_good_ones_imported()
    {
        string body = "{\"id\":\"a\",\"text\":\"fine\"}\nnot json\n{\"id\":\"b\"}\n{\"id\":\"c\",\"text\":\"also fine\"}\n";
        var (status, json, _) = await SendAsync(HttpMethod.Post, "api/collections/lines/items", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, (long)json!["imported"]!);
        Assert.Equal(2, (long)json["rejectedCount"]!);
        Assert.Equal(new long[] { 2, 3 }, json["rejected"]!.AsArray().Select(r => (long)r!["line"]!));

        var (allBad, problem, type) = await SendAsync(HttpMethod.Post, "api/collections/lines/items", new StringContent("{{{\n[]\n", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.BadRequest, allBad);
        Assert.Equal("application/problem+json", type);
        Assert.Equal(2, problem!["rejected"]!.AsArray().Count);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unknown_or_invalid_collections_get_404_or_400_problems()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "api/collections/nosuch/stats")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "api/embeddings/nosuch/submit", JsonContent.Create(new { }))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "api/collections/nosuch/search", JsonContent.Create(new { text = "x" }))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "api/batches/emb-nosuch-0")).Status);
        var (status, body, type) = await SendAsync(HttpMethod.Post, "api/collections/Bad%20Name/items", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("Invalid collection name", (string)body!["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "api/embeddings/reset", JsonContent.Create(new { }))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "api/batches?status=Nope")).Status);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_oversized_body_gets_413_and_nothing_is_imported()
    {
        string big = string.Concat(Enumerable.Range(0, 200).Select(i => $"{{\"id\":\"x{i}\",\"text\":\"line {i}\"}}\n"));
        var (status, body, type) = await SendAsync(HttpMethod.Post, "api/collections/big/items", new StringContent(big, Encoding.UTF8));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("MaxRequestBodyBytes", (string)body!["detail"]!, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_or_wrong_key_gets_401_on_the_api_and_the_durable_api_needs_the_admin_key()
    {
        var (missing, body, type) = await SendAsync(HttpMethod.Get, "api/batches", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        Assert.Equal("application/problem+json", type);
        Assert.Contains("x-functions-key", (string)body!["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "api/batches", key: "wrong-key-wrong-key")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"api/batches?code={_host.Host.Keys.FunctionKey}", key: null)).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "runtime/webhooks/durabletask/instances")).Status); // function key is not enough
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "runtime/webhooks/durabletask/instances", key: _host.Host.Keys.AdminKey)).Status);
    }
}
