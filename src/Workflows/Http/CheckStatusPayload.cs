using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchEmbed.Workflows.Http;

/// <summary>The 202 check-status payload and its headers, as the Functions host creates them.</summary>
public static class CheckStatusPayload
{
    public const string BasePath = "/runtime/webhooks/durabletask";

    public static JsonObject Create(HttpContext context, string instanceId, DurableHttpApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        HttpRequest req = context.Request;
        string root = $"{req.Scheme}://{req.Host}{req.PathBase}{BasePath}/instances/{Uri.EscapeDataString(instanceId)}";
        string? key = options.KeyForUris(context);
        string query = $"taskHub={Uri.EscapeDataString(options.TaskHubName)}&connection={Uri.EscapeDataString(options.ConnectionName)}" +
            (key is null ? string.Empty : $"&code={Uri.EscapeDataString(key)}");
        return new JsonObject
        {
            ["id"] = instanceId,
            ["statusQueryGetUri"] = $"{root}?{query}",
            ["sendEventPostUri"] = $"{root}/raiseEvent/{{eventName}}?{query}",
            ["terminatePostUri"] = $"{root}/terminate?reason={{text}}&{query}",
            ["purgeHistoryDeleteUri"] = $"{root}?{query}",
            ["restartPostUri"] = $"{root}/restart?{query}",
            ["suspendPostUri"] = $"{root}/suspend?reason={{text}}&{query}",
            ["resumePostUri"] = $"{root}/resume?reason={{text}}&{query}",
        };
    }

    /// <summary>202 Accepted with the payload, <c>Location</c> = the status URI and <c>Retry-After: 10</c>.</summary>
    public static IResult Accepted(HttpContext context, string instanceId, DurableHttpApiOptions options)
    {
        JsonObject payload = Create(context, instanceId, options);
        return new AcceptedResult(payload, payload["statusQueryGetUri"]!.GetValue<string>());
    }

    private sealed class AcceptedResult(JsonObject payload, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            httpContext.Response.Headers.RetryAfter = "10";
            return Results.Json(payload, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext);
        }
    }
}
