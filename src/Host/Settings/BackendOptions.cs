namespace BatchEmbed.Hosting.Settings;

/// <summary>
/// Where the durable backend is: the <c>Durable__*</c> settings. Empty <c>Durable__BackendAddress</c> (the default):
/// the host starts the backend in its own process on <c>{data}/durable.db</c>; set: the worker and client use the
/// sidecar at that address (for example <c>dotnet run --project src/Durable</c>).
/// </summary>
public sealed class BackendOptions
{
    public const string Section = "Durable";

    public string? BackendAddress { get; set; }

    public BackendOptions Validate()
    {
        if (!string.IsNullOrWhiteSpace(BackendAddress) &&
            (!Uri.TryCreate(BackendAddress, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw new InvalidOperationException($"Durable__BackendAddress '{BackendAddress}' is not an http:// or https:// address.");
        }

        return this;
    }
}
