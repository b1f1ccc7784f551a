using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchEmbed.Cli.Remote;

/// <summary>The CLI's view of the host's HTTP API: sends the function key, turns problem+json into <see cref="ApiException"/>.</summary>
internal sealed class HostClient : IDisposable
{
    private readonly HttpClient _http;

    public HostClient(Uri baseUrl, string? key)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) };
        if (!string.IsNullOrEmpty(key))
        {
            _http.DefaultRequestHeaders.Add("x-functions-key", key);
        }
    }

    public Uri BaseUrl { get; }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PostJsonAsync(string path, object? body, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"), ct);

    public async Task<JsonNode?> PostStreamAsync(string path, Stream body, CancellationToken ct)
    {
        var content = new StreamContent(body, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        return await SendAsync(HttpMethod.Post, path, content, ct);
    }

    /// <summary>GET an absolute URL the host handed out (a status query URI, which carries its own key).</summary>
    public Task<JsonNode?> GetAbsoluteAsync(string url, CancellationToken ct) => SendAsync(HttpMethod.Get, url, null, ct);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new ApiException($"Cannot reach the host at {BaseUrl}: {ex.Message}. Start it with `dotnet run --project src/Host`, or pass --url.", ex);
        }

        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(ct);
            JsonNode? json = null;
            if (text.Length > 0)
            {
                try
                {
                    json = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    json = JsonValue.Create(text);
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                string detail = json is JsonObject o ? (string?)o["detail"] ?? (string?)o["title"] ?? text : text;
                if ((int)response.StatusCode == 401)
                {
                    detail += " (pass --key, or set BATCHEMBED_KEY; the host prints its key on first start and keeps it in .data/host-keys.json)";
                }

                throw new ApiException((int)response.StatusCode, $"{(int)response.StatusCode} {response.ReasonPhrase}: {detail}", json is JsonObject p ? (string?)p["instanceId"] : null, json is JsonObject q ? (string?)q["statusQueryGetUri"] : null);
            }

            return json;
        }
    }

    public void Dispose() => _http.Dispose();
}
