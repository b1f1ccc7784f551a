using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.DurableTask.History;

namespace BatchEmbed.DurableTask.Http;

/// <summary>The JSON shapes of the Durable Functions HTTP API: status objects, projected history, entity rows.</summary>
internal static class StatusPayloads
{
    public static JsonObject Status(OrchestrationMetadata m, bool showInput, IReadOnlyList<HistoryEvent>? history, bool showHistoryOutput)
    {
        var o = new JsonObject
        {
            ["name"] = m.Name,
            ["instanceId"] = m.InstanceId,
            ["runtimeStatus"] = m.RuntimeStatus.ToString(),
            ["input"] = showInput ? Parse(m.SerializedInput) : null,
            ["customStatus"] = Parse(m.SerializedCustomStatus),
            ["output"] = m.RuntimeStatus == OrchestrationRuntimeStatus.Failed && m.SerializedOutput is null && m.FailureDetails is not null
                ? JsonValue.Create(m.FailureDetails.ToString())
                : Parse(m.SerializedOutput),
            ["createdTime"] = Time(m.CreatedAt),
            ["lastUpdatedTime"] = Time(m.LastUpdatedAt),
        };
        if (history is not null)
        {
            o["historyEvents"] = ProjectHistory(history, showHistoryOutput);
        }

        return o;
    }

    /// <summary>
    /// As Durable Functions shows history: OrchestratorStarted/Completed and the scheduling rows are removed; their name,
    /// time and input are folded into the matching completion row as FunctionName, ScheduledTime and Input.
    /// </summary>
    public static JsonArray ProjectHistory(IReadOnlyList<HistoryEvent> history, bool showOutput)
    {
        var scheduled = new Dictionary<int, HistoryEvent>();
        var rows = new JsonArray();
        foreach (HistoryEvent e in history)
        {
            switch (e.EventType)
            {
                case EventType.OrchestratorStarted or EventType.OrchestratorCompleted:
                    continue;
                case EventType.TaskScheduled or EventType.SubOrchestrationInstanceCreated:
                    scheduled[e.EventId] = e;
                    continue;
            }

            var row = new JsonObject { ["EventType"] = e.EventType.ToString() };
            if (e.EventType == EventType.ExecutionStarted)
            {
                row["FunctionName"] = e.Name;
                row["Input"] = Parse(e.Input);
            }
            else if (e.TaskScheduledId is { } id && scheduled.TryGetValue(id, out HistoryEvent? s))
            {
                row["FunctionName"] = s.Name;
                row["ScheduledTime"] = PreciseTime(s.Timestamp);
                row["Input"] = Parse(s.Input);
                if (s.EventType == EventType.SubOrchestrationInstanceCreated)
                {
                    row["InstanceId"] = s.InstanceId;
                }
            }
            else if (e.Name is not null && e.EventType is EventType.EventRaised or EventType.EventSent)
            {
                row["Name"] = e.Name;
            }

            if (e.FireAt is { } fireAt)
            {
                row["FireAt"] = PreciseTime(fireAt);
            }

            if (showOutput && (e.Result is not null || e.EventType == EventType.ExecutionCompleted))
            {
                row["Result"] = Parse(e.Result);
            }

            if (e.FailureDetails is { } f)
            {
                row["Reason"] = f.ErrorMessage;
                row["Details"] = f.ErrorType;
            }

            if (e.OrchestrationStatus is { } st)
            {
                row["OrchestrationStatus"] = st.ToString();
            }

            row["Timestamp"] = PreciseTime(e.Timestamp);
            rows.Add(row);
        }

        return rows;
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

    public static string Time(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("s", CultureInfo.InvariantCulture) + "Z";
}
