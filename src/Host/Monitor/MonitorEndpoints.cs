using System.Reflection;

namespace BatchEmbed.Hosting.Monitor;

/// <summary>
/// Serves the monitor's page and assets at <c>/monitor</c>, from resources in this assembly (no CDN: there may be no
/// internet). The page holds no data: it asks for the admin key, and every API behind it requires that key.
/// </summary>
public static class MonitorEndpoints
{
    private static readonly (string Route, string Resource, string ContentType)[] s_assets =
    [
        ("/monitor", "index.html", "text/html; charset=utf-8"),
        ("/monitor/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/monitor/app.css", "app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapMonitor(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach ((string route, string resource, string contentType) in s_assets)
        {
            byte[] content = Load(resource);
            app.MapGet(route, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers["X-Content-Type-Options"] = "nosniff";
                http.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
                return Results.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }

        return app;
    }

    private static byte[] Load(string name)
    {
        using Stream s = Assembly.GetExecutingAssembly().GetManifestResourceStream("BatchEmbed.Hosting.Monitor." + name)
            ?? throw new InvalidOperationException($"The monitor asset '{name}' is missing from the build.");
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
