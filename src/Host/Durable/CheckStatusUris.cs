using System.Text.Json.Nodes;
using BatchEmbed.Workflows.Http;

namespace BatchEmbed.Hosting.Durable;

/// <summary>The standalone host's check-status URIs, as the Functions host writes them (taskHub, connection, code).</summary>
public static class CheckStatusUris
{
    public const string BasePath = "/runtime/webhooks/durabletask";

    public static CheckStatusLinks For(DurableHttpApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (context, instanceId) => Create(context, instanceId, options);
    }

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
}
