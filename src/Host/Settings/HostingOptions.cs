namespace BatchEmbed.Hosting.Settings;

/// <summary>The host itself: the <c>Host__*</c> settings plus host.json's http route prefix.</summary>
public sealed class HostingOptions
{
    public const string Section = "Host";

    /// <summary>Like <c>func start</c>: 7071.</summary>
    public int Port { get; set; } = 7071;

    /// <summary>The function key; empty: generated into the data directory on first start.</summary>
    public string? FunctionKey { get; set; }

    /// <summary>The admin (master) key for /runtime/* and /monitor; empty: generated like the function key.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Serve the API without keys. For local development only; never the default.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The largest request body accepted (imports stream, but stop here).</summary>
    public long MaxRequestBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>From host.json extensions.http.routePrefix.</summary>
    public string RoutePrefix { get; set; } = "api";

    public HostingOptions Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new InvalidOperationException("Host__Port must be 0-65535.");
        }

        if (FunctionKey is { Length: > 0 and < 16 } || AdminKey is { Length: > 0 and < 16 })
        {
            throw new InvalidOperationException("Host__FunctionKey and Host__AdminKey must be at least 16 characters.");
        }

        if (MaxRequestBodyBytes < 1024)
        {
            throw new InvalidOperationException("Host__MaxRequestBodyBytes must be at least 1024.");
        }

        return this;
    }
}
