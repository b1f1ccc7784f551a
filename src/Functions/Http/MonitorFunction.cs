using BatchEmbed.Workflows.Monitor;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Functions.Http;

/// <summary>
/// The monitor's page and assets at <c>/api/monitor</c>. Anonymous: the page holds no data; it asks for the admin
/// (master) key, which the host's own Durable HTTP API and the app's function-level routes accept.
/// </summary>
public static class MonitorFunction
{
    /// <summary>The host's route prefix (host.json <c>extensions.http.routePrefix</c>), as the host passes it to the worker's settings.</summary>
    public const string RoutePrefixSetting = "AzureFunctionsJobHost:extensions:http:routePrefix";

    [Function("Monitor")]
    public static IResult Serve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "monitor/{name?}")] HttpRequest req, string? name, FunctionContext context)
    {
        string configured = (context.InstanceServices.GetService<IConfiguration>()?[RoutePrefixSetting] ?? "api").Trim('/');
        string prefix = configured.Length == 0 ? string.Empty : "/" + configured;
        return MonitorAssets.Serve(req.HttpContext, name, prefix, prefix + "/monitor");
    }
}
