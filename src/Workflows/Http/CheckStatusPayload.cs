using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchEmbed.Workflows.Http;

/// <summary>
/// Makes the check-status payload for an instance (<c>id</c>, <c>statusQueryGetUri</c>, <c>sendEventPostUri</c>, …): the
/// standalone host builds its own URIs; the Functions app asks its Durable client, which knows the host's.
/// </summary>
public delegate JsonObject CheckStatusLinks(HttpContext context, string instanceId);

/// <summary>The 202 check-status response and its headers, as Durable Functions answers a start.</summary>
public static class CheckStatusPayload
{
    /// <summary>202 Accepted with the payload, <c>Location</c> = the status URI and <c>Retry-After: 10</c>.</summary>
    public static IResult Accepted(HttpContext context, string instanceId, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(links);
        JsonObject payload = links(context, instanceId);
        return new AcceptedResult(payload, payload["statusQueryGetUri"]!.GetValue<string>());
    }

    /// <summary>
    /// The answer to a singleton start (<see cref="Pipeline.RunStarter.StartSingletonAsync"/>): 202 with the payload when
    /// it started, else 409 naming the live instance and its status URI, to follow instead of starting another.
    /// </summary>
    public static IResult For(HttpContext context, (string InstanceId, bool Started) start, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(links);
        if (start.Started)
        {
            return Accepted(context, start.InstanceId, links);
        }

        JsonObject payload = links(context, start.InstanceId);
        return Problems.Conflict($"'{start.InstanceId}' is already running; follow it instead of starting another.", new Dictionary<string, object?>
        {
            ["instanceId"] = start.InstanceId,
            ["statusQueryGetUri"] = payload["statusQueryGetUri"]!.GetValue<string>(),
        });
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
