using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchEmbed.Workflows.Http;

/// <summary>JSON as the API and exports write it: camelCase, enums by name.</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }
}
