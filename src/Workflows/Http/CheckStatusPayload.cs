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
