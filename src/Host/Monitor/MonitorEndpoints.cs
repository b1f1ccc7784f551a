using BatchEmbed.Workflows.Monitor;

namespace BatchEmbed.Hosting.Monitor;

/// <summary>Serves the monitor (<see cref="MonitorAssets"/>) at <c>/monitor</c>, over this host's route prefix.</summary>
public static class MonitorEndpoints
{
    public const string Path = "/monitor";

    public static IEndpointRouteBuilder MapMonitor(this IEndpointRouteBuilder app, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        string api = "/" + routePrefix.Trim('/');
        app.MapGet(Path, (HttpContext http) => MonitorAssets.Serve(http, null, api, Path)).ExcludeFromDescription();
        app.MapGet(Path + "/{name}", (HttpContext http, string name) => MonitorAssets.Serve(http, name, api, Path)).ExcludeFromDescription();
        return app;
    }
}
