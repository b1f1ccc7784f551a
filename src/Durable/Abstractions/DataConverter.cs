using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchEmbed.DurableTask;

/// <summary>How payloads are serialised: System.Text.Json with web defaults (camelCase, case-insensitive reads).</summary>
public static class DataConverter
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public static object? Deserialize(string? json, Type type)
    {
        if (json is null || type == typeof(void))
        {
            return null;
        }

        return JsonSerializer.Deserialize(json, type, Options);
    }

    public static T? Deserialize<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Options);
}
