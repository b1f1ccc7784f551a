using System.Text.Json;

namespace BatchEmbed.Hosting;

/// <summary>
/// Settings as the Functions host reads them: <c>host.json</c> (under <c>AzureFunctionsJobHost</c>, so
/// <c>AzureFunctionsJobHost__extensions__durableTask__hubName</c> overrides it), then <c>local.settings.json</c>
/// <c>Values</c> (names with <c>__</c> are sections), then environment variables, then the command line.
/// </summary>
public static class HostConfiguration
{
    public const string HostJsonPrefix = "AzureFunctionsJobHost";

    public static void Apply(ConfigurationManager configuration, string root, string[] args, IReadOnlyDictionary<string, string?>? overrides)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        string hostJson = Path.Combine(root, "host.json");
        if (File.Exists(hostJson))
        {
            using JsonDocument doc = Parse(hostJson);
            Flatten(doc.RootElement, HostJsonPrefix, values);
            if (doc.RootElement.TryGetProperty("logging", out JsonElement logging))
            {
                Flatten(logging, "Logging", values); // host.json logging.logLevel drives the host's log filters
            }
        }

        string localSettings = Path.Combine(root, "local.settings.json");
        if (File.Exists(localSettings))
        {
            using JsonDocument doc = Parse(localSettings);
            if (doc.RootElement.TryGetProperty("Values", out JsonElement v) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in v.EnumerateObject())
                {
                    values[p.Name.Replace("__", ":", StringComparison.Ordinal)] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
                }
            }
        }

        configuration.AddInMemoryCollection(values);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    private static void Flatten(JsonElement e, string prefix, Dictionary<string, string?> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty p in e.EnumerateObject())
                {
                    Flatten(p.Value, $"{prefix}:{p.Name}", into);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in e.EnumerateArray())
                {
                    Flatten(item, $"{prefix}:{i++}", into);
                }

                break;
            case JsonValueKind.String:
                into[prefix] = e.GetString();
                break;
            case JsonValueKind.Null:
                into[prefix] = null;
                break;
            default:
                into[prefix] = e.GetRawText();
                break;
        }
    }
}
