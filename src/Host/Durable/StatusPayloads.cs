using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Core = global::DurableTask.Core.History;

namespace BatchEmbed.Hosting.Durable;

/// <summary>The JSON shapes of the Durable Functions HTTP API: status objects, projected history, entity rows.</summary>
internal static class StatusPayloads
{
    public static JsonObject Status(OrchestrationMetadata m, bool showInput, IList<Core.HistoryEvent>? history, bool showHistoryOutput)
    {
        var o = new JsonObject
        {
            ["name"] = m.Name,
            ["instanceId"] = m.InstanceId,
            ["runtimeStatus"] = m.RuntimeStatus.ToString(),
            ["input"] = showInput ? Parse(m.SerializedInput) : null,
            ["customStatus"] = Parse(m.SerializedCustomStatus),
            ["output"] = m.RuntimeStatus == OrchestrationRuntimeStatus.Failed && m.SerializedOutput is null && m.FailureDetails is { } f
                ? JsonValue.Create($"{f.ErrorType}: {f.ErrorMessage}")
                : Parse(m.SerializedOutput),
            ["createdTime"] = Time(m.CreatedAt),
            ["lastUpdatedTime"] = Time(m.LastUpdatedAt),
        };
        if (history is not null)
        {
            o["historyEvents"] = HistoryProjection.Project(history, showHistoryOutput);
        }

        return o;
    }

    public static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("s", CultureInfo.InvariantCulture) + "Z";

    /// <summary>History times keep their fraction (as the Functions host shows them), so timelines can be drawn.</summary>
    public static string PreciseTime(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
