using System.Reflection;
using System.Text;

namespace BatchEmbed.Workflows.Monitor;

/// <summary>
/// The monitor's page and assets, from resources in this assembly (no CDN: there may be no internet), for either host
/// to serve. The page holds no data: it asks for the admin key, and every API behind it requires that key. The host
/// writes its route prefix and the monitor's path into the page.
/// </summary>
public static class MonitorAssets
{
    private static readonly Dictionary<string, (byte[] Content, string ContentType)> s_assets = new(StringComparer.Ordinal)
    {
        ["index.html"] = (Load("index.html"), "text/html; charset=utf-8"),
        ["app.js"] = (Load("app.js"), "text/javascript; charset=utf-8"),
        ["labels.js"] = (Load("labels.js"), "text/javascript; charset=utf-8"),
        ["migrations.js"] = (Load("migrations.js"), "text/javascript; charset=utf-8"),
        ["app.css"] = (Load("app.css"), "text/css; charset=utf-8"),
    };

    public static IReadOnlyCollection<string> Names => s_assets.Keys;

    /// <summary>The asset (empty name: the page), or 404.</summary>
    /// <param name="name">index.html, app.js, labels.js, migrations.js or app.css; empty for the page.</param>
    /// <param name="apiPrefix">Where the app's routes are, e.g. <c>/api</c>.</param>
    /// <param name="monitorPath">Where the monitor is served, e.g. <c>/monitor</c>.</param>
    public static IResult Serve(HttpContext http, string? name, string apiPrefix, string monitorPath)
    {
        ArgumentNullException.ThrowIfNull(http);
        name = string.IsNullOrEmpty(name) ? "index.html" : name;
        if (!s_assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }

        byte[] content = asset.Content;
        if (name == "index.html")
        {
            string page = Encoding.UTF8.GetString(content)
                .Replace("{{api}}", Attribute(apiPrefix), StringComparison.Ordinal)
                .Replace("{{monitor}}", Attribute(monitorPath), StringComparison.Ordinal);
            content = Encoding.UTF8.GetBytes(page);
        }

        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
        return Results.Bytes(content, asset.ContentType);
    }

    /// <summary>A path as an HTML attribute value: the trailing slash dropped, quotes and angle brackets escaped.</summary>
    private static string Attribute(string path) => System.Net.WebUtility.HtmlEncode(path.TrimEnd('/'));

    private static byte[] Load(string name)
    {
        using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream("BatchEmbed.Workflows.Monitor." + name)
            ?? throw new InvalidOperationException($"The monitor asset '{name}' is missing from the build.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
