using Microsoft.AspNetCore.Http;

namespace BatchEmbed.Hosting.Durable;

/// <summary>Values the management API writes into its check-status URIs.</summary>
public sealed class DurableHttpApiOptions
{
    public string TaskHubName { get; set; } = "default";

    public string ConnectionName { get; set; } = "Storage";

    /// <summary>The key to put in the URIs' <c>code</c> parameter (the admin key), or null to omit it.</summary>
    public Func<HttpContext, string?> KeyForUris { get; set; } = ctx => ctx.Request.Query["code"].FirstOrDefault();
}
