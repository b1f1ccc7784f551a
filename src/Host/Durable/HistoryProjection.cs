using System.Text.Json;
using System.Text.Json.Nodes;
using Core = global::DurableTask.Core.History;

namespace BatchEmbed.Hosting.Durable;

/// <summary>
/// History as Durable Functions shows it (<c>showHistory=true</c>): OrchestratorStarted/Completed and the scheduling
/// rows are removed; their name, time and input are folded into the matching completion row as FunctionName,
/// ScheduledTime and Input. Entity traffic, which Durable Task Core records as EventSent to <c>@name@key</c> and an
/// EventRaised named by the request id, is labelled with the entity and operation instead.
/// </summary>
internal static class HistoryProjection
{
    public static JsonArray Project(IList<Core.HistoryEvent> history, bool showOutput)
    {
        var scheduled = new Dictionary<int, (string? Name, string? Input, DateTime Time, string? InstanceId)>();
        var requests = new Dictionary<string, (string Entity, string Operation, DateTime Time)>(StringComparer.OrdinalIgnoreCase);
        var rows = new JsonArray();
        foreach (Core.HistoryEvent e in history)
        {
            switch (e)
            {
                case Core.OrchestratorStartedEvent or Core.OrchestratorCompletedEvent:
                    continue;
                case Core.TaskScheduledEvent t:
                    scheduled[t.EventId] = (t.Name, t.Input, t.Timestamp, null);
                    continue;
                case Core.SubOrchestrationInstanceCreatedEvent s:
                    scheduled[s.EventId] = (s.Name, s.Input, s.Timestamp, s.InstanceId);
                    continue;
            }

            var row = new JsonObject { ["EventType"] = e.EventType.ToString() };
            Describe(e, row, scheduled, requests);
            if (showOutput && Result(e) is { } result)
            {
                row["Result"] = StatusPayloads.Parse(result);
            }
            else if (showOutput && e is Core.ExecutionCompletedEvent)
            {
                row["Result"] = null;
            }

            row["Timestamp"] = StatusPayloads.PreciseTime(e.Timestamp);
            rows.Add(row);
        }

        return rows;
    }

    private static void Describe(Core.HistoryEvent e, JsonObject row, Dictionary<int, (string? Name, string? Input, DateTime Time, string? InstanceId)> scheduled,
        Dictionary<string, (string Entity, string Operation, DateTime Time)> requests)
    {
        switch (e)
        {
            case Core.ExecutionStartedEvent s:
                row["FunctionName"] = s.Name;
                row["Input"] = StatusPayloads.Parse(s.Input);
                break;
            case Core.TaskCompletedEvent or Core.TaskFailedEvent or Core.SubOrchestrationInstanceCompletedEvent or Core.SubOrchestrationInstanceFailedEvent:
                Fold(row, scheduled, e);
                break;
            case Core.TimerCreatedEvent t:
                row["FireAt"] = StatusPayloads.PreciseTime(t.FireAt);
                break;
            case Core.TimerFiredEvent t:
                row["FireAt"] = StatusPayloads.PreciseTime(t.FireAt);
                break;
            case Core.EventSentEvent s when EntityRequest(s) is { } r:
                row["Name"] = $"{r.Entity} {r.Operation}";
                row["Entity"] = r.Entity;
                row["Operation"] = r.Operation;
                row["Signal"] = r.Signal;
                if (!r.Signal && r.Id is not null)
                {
                    requests[r.Id] = (r.Entity, r.Operation, s.Timestamp);
                }

                break;
            case Core.EventSentEvent s:
                row["Name"] = s.Name;
                row["InstanceId"] = s.InstanceId;
                break;
            case Core.EventRaisedEvent r when r.Name is not null && requests.TryGetValue(r.Name, out var call):
                row["Name"] = $"{call.Entity} {call.Operation} (response)";
                row["Entity"] = call.Entity;
                row["Operation"] = call.Operation;
                row["ScheduledTime"] = StatusPayloads.PreciseTime(call.Time);
                break;
            case Core.EventRaisedEvent r:
                row["Name"] = r.Name;
                break;
            case Core.ExecutionCompletedEvent done:
                row["OrchestrationStatus"] = done.OrchestrationStatus.ToString();
                if (done.FailureDetails is { } failure)
                {
                    Failure(row, failure.ErrorMessage, failure.ErrorType);
                }

                break;
            case Core.ExecutionTerminatedEvent t:
                row["Reason"] = StatusPayloads.Parse(t.Input);
                break;
        }
    }

    /// <summary>A completion row gets its scheduling row's name, time and input, and a failure its reason and details.</summary>
    private static void Fold(JsonObject row, Dictionary<int, (string? Name, string? Input, DateTime Time, string? InstanceId)> scheduled, Core.HistoryEvent e)
    {
        (int id, global::DurableTask.Core.FailureDetails? failure, string? reason, string? details) = e switch
        {
            Core.TaskFailedEvent f => (f.TaskScheduledId, f.FailureDetails, f.Reason, f.Details),
            Core.SubOrchestrationInstanceFailedEvent f => (f.TaskScheduledId, f.FailureDetails, f.Reason, f.Details),
            Core.TaskCompletedEvent c => (c.TaskScheduledId, null, null, null),
            Core.SubOrchestrationInstanceCompletedEvent c => (c.TaskScheduledId, null, null, null),
            _ => (-1, null, null, null),
        };
        if (scheduled.TryGetValue(id, out var s))
        {
            row["FunctionName"] = s.Name;
            row["ScheduledTime"] = StatusPayloads.PreciseTime(s.Time);
            row["Input"] = StatusPayloads.Parse(s.Input);
            if (s.InstanceId is not null)
            {
                row["InstanceId"] = s.InstanceId;
            }
        }

        if (e is Core.TaskFailedEvent or Core.SubOrchestrationInstanceFailedEvent)
        {
            Failure(row, failure?.ErrorMessage ?? reason, failure?.ErrorType ?? details);
        }
    }

    private static void Failure(JsonObject row, string? reason, string? details)
    {
        row["Reason"] = reason;
        row["Details"] = details;
    }

    private static string? Result(Core.HistoryEvent e) => e switch
    {
        Core.TaskCompletedEvent c => c.Result,
        Core.SubOrchestrationInstanceCompletedEvent c => c.Result,
        Core.ExecutionCompletedEvent c => c.Result,
        Core.EventRaisedEvent r => r.Input,
        _ => null,
    };

    /// <summary>An entity request (Durable Task Core's message format: <c>op</c>, <c>signal</c>, <c>id</c>) sent to <c>@name@key</c>.</summary>
    private static (string Entity, string Operation, bool Signal, string? Id)? EntityRequest(Core.EventSentEvent s)
    {
        if (s.InstanceId is not { Length: > 1 } target || target[0] != '@' || s.Input is null)
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(s.Input);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out JsonElement op) || op.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            bool signal = root.TryGetProperty("signal", out JsonElement sig) && sig.ValueKind == JsonValueKind.True;
            string? id = root.TryGetProperty("id", out JsonElement idEl) && idEl.ValueKind == JsonValueKind.String ? idEl.GetString() : null;
            return (target, op.GetString()!, signal, id);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
