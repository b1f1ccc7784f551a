using System.Text.RegularExpressions;

namespace BatchEmbed.Workflows.Settings;

/// <summary>
/// Where the items, blobs and vector index live: the <c>Storage__*</c> settings. <c>embedded</c> (the default of the
/// standalone host) keeps them under <see cref="PipelineOptions.DataDirectory"/>; <c>azure</c> keeps them in a storage
/// account, reached with <see cref="ConnectionString"/> (<c>UseDevelopmentStorage=true</c> for Azurite) or with
/// <see cref="AccountName"/> (or the two service URIs) and <c>DefaultAzureCredential</c>, a managed identity on Azure.
/// The Functions app defaults to <c>azure</c> on its own <c>AzureWebJobsStorage</c> (<see cref="UseWebJobsStorage"/>).
/// </summary>
public sealed partial class StorageOptions
{
    public const string Section = "Storage";

    public const string Embedded = "embedded";

    public const string Azure = "azure";

    /// <summary>embedded or azure.</summary>
    public string? Provider { get; set; }

    /// <summary>A storage connection string. It holds a key: kept in settings (Key Vault on Azure), never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The account, for <c>https://{name}.blob.core.windows.net</c> and <c>https://{name}.table.core.windows.net</c>.</summary>
    public string? AccountName { get; set; }

    public string? BlobServiceUri { get; set; }

    public string? TableServiceUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity; empty: the system-assigned one (or a developer sign-in).</summary>
    public string? ClientId { get; set; }

    /// <summary>The container of batch files, results, exports and reports.</summary>
    public string Container { get; set; } = "batchembed";

    /// <summary>The container of the vector index (manifests, snapshots, deltas, aliases).</summary>
    public string VectorContainer { get; set; } = "batchembed-vectors";

    /// <summary>The table of items (statuses, sparse index, counts).</summary>
    public string ItemTable { get; set; } = "batchembeditems";

    /// <summary>Where the vector index's snapshots and deltas are cached locally (azure); empty: under the system's temp directory.</summary>
    public string? CacheDirectory { get; set; }

    public string EffectiveCacheDirectory => !string.IsNullOrWhiteSpace(CacheDirectory)
        ? Path.GetFullPath(CacheDirectory)
        : Path.Combine(Path.GetTempPath(), "batchembed-vector-cache", VectorContainer);

    public string EffectiveProvider => string.IsNullOrWhiteSpace(Provider) ? Embedded : Provider!.Trim().ToLowerInvariant();

    public bool UsesAzure => EffectiveProvider == Azure;

    /// <summary>The blob service endpoint for a credential (null with a connection string).</summary>
    public Uri? BlobEndpoint => ServiceUri(BlobServiceUri, "blob");

    /// <summary>The table service endpoint for a credential (null with a connection string).</summary>
    public Uri? TableEndpoint => ServiceUri(TableServiceUri, "table");

    /// <summary>Where the stores are, for a log line: never the connection string (it holds a key), only its endpoints.</summary>
    public string Describe(string dataDirectory)
    {
        if (!UsesAzure)
        {
            return $"items.db, blobs/ and vectors/ under {dataDirectory}";
        }

        string account = !string.IsNullOrWhiteSpace(ConnectionString)
            ? "a connection string" + (ConnectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase) ? " (Azurite)" : string.Empty)
            : $"{BlobEndpoint} and {TableEndpoint} with DefaultAzureCredential";
        return $"table {ItemTable}, containers {Container} and {VectorContainer}, through {account}; vector cache {EffectiveCacheDirectory}";
    }

    /// <summary>
    /// Fills what is not set from the Functions host's own storage setting, the way the host reads it: the
    /// <c>AzureWebJobsStorage</c> connection string, or the identity-based <c>AzureWebJobsStorage__accountName</c>,
    /// <c>__blobServiceUri</c>, <c>__tableServiceUri</c> and <c>__clientId</c>. The provider becomes azure.
    /// </summary>
    public StorageOptions UseWebJobsStorage(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Provider ??= Azure;
        if (UsesAzure && string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(AccountName) && string.IsNullOrWhiteSpace(BlobServiceUri))
        {
            ConnectionString = config["AzureWebJobsStorage"];
            IConfigurationSection identity = config.GetSection("AzureWebJobsStorage");
            AccountName = identity["accountName"];
            BlobServiceUri = identity["blobServiceUri"];
            TableServiceUri = identity["tableServiceUri"];
            ClientId ??= identity["clientId"];
        }

        return this;
    }

    public StorageOptions Validate()
    {
        if (EffectiveProvider is not (Embedded or Azure))
        {
            throw new InvalidOperationException($"Storage__Provider must be embedded or azure, not '{Provider}'.");
        }

        if (!UsesAzure)
        {
            return this;
        }

        bool connection = !string.IsNullOrWhiteSpace(ConnectionString);
        bool identity = !string.IsNullOrWhiteSpace(AccountName) || !string.IsNullOrWhiteSpace(BlobServiceUri) || !string.IsNullOrWhiteSpace(TableServiceUri);
        if (connection == identity)
        {
            throw new InvalidOperationException(
                "Storage__Provider=azure needs exactly one of Storage__ConnectionString (UseDevelopmentStorage=true for Azurite) " +
                "or Storage__AccountName (or Storage__BlobServiceUri and Storage__TableServiceUri) with a managed identity.");
        }

        if (identity && (BlobEndpoint is null || TableEndpoint is null))
        {
            throw new InvalidOperationException("Storage__AccountName must be a storage account name, or set both Storage__BlobServiceUri and Storage__TableServiceUri as https URLs.");
        }

        if (!ContainerPattern().IsMatch(Container) || !ContainerPattern().IsMatch(VectorContainer) || Container == VectorContainer)
        {
            throw new InvalidOperationException("Storage__Container and Storage__VectorContainer must be two different names of 3-63 lowercase letters, digits and single hyphens.");
        }

        if (!TablePattern().IsMatch(ItemTable))
        {
            throw new InvalidOperationException("Storage__ItemTable must be 3-63 letters and digits, starting with a letter.");
        }

        return this;
    }

    private Uri? ServiceUri(string? explicitUri, string service)
    {
        if (!string.IsNullOrWhiteSpace(explicitUri))
        {
            return Uri.TryCreate(explicitUri, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" ? uri : null;
        }

        return !string.IsNullOrWhiteSpace(AccountName) && AccountPattern().IsMatch(AccountName)
            ? new Uri($"https://{AccountName}.{service}.core.windows.net/")
            : null;
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TablePattern();

    [GeneratedRegex("^[a-z0-9]{3,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();
}
