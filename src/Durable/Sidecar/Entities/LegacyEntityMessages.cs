using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Entities;

/// <summary>
/// DT Core's entity message format, which the .NET worker uses by default: an orchestration sends entity requests as
/// external events to <c>@name@key</c> (named <c>op</c>, <c>op@{due:o}</c> or <c>release</c>, with a JSON
/// RequestMessage or ReleaseMessage body) and takes replies as external events named by the request id (with a JSON
/// ResponseMessage body). Translated here to and from the protocol's entity events, which the backend routes.
/// </summary>
internal static class LegacyEntityMessages
{
    public const string LockAcquisitionCompleted = "Lock Acquisition Completed";

    /// <summary>
    /// Reads a request sent by <paramref name="senderInstanceId"/> to entity <paramref name="target"/> as an entity event,
    /// and the time it becomes visible (a scheduled signal), or says why it can't be read.
    /// </summary>
    public static bool TryDecode(string eventName, string? body, string target, string senderInstanceId, string senderExecutionId,
        out P.HistoryEvent message, out DateTimeOffset? visibleAt, out string? error)
    {
        message = new P.HistoryEvent { EventId = -1 };
        visibleAt = null;
        error = null;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body ?? "null");
            JsonElement json = doc.RootElement;
            if (json.ValueKind != JsonValueKind.Object || String(json, "id") is not { } id)
            {
                error = "the entity message has no request id";
                return false;
            }

            string parent = String(json, "parent") ?? senderInstanceId;
            if (eventName == "release")
            {
                message.EntityUnlockSent = new P.EntityUnlockSentEvent { CriticalSectionId = id, ParentInstanceId = parent, TargetInstanceId = target };
                return true;
            }

            if (!eventName.StartsWith("op", StringComparison.Ordinal))
            {
                error = $"'{eventName}' is not an entity message name (op, op@time or release)";
                return false;
            }

            if (eventName.Length > 3 && eventName[2] == '@')
            {
                visibleAt = DateTimeOffset.Parse(eventName[3..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            }

            if (json.TryGetProperty("lockset", out JsonElement lockSet) && lockSet.ValueKind == JsonValueKind.Array)
            {
                var requested = new P.EntityLockRequestedEvent { CriticalSectionId = id, ParentInstanceId = parent, Position = Int(json, "pos") };
                foreach (JsonElement e in lockSet.EnumerateArray())
                {
                    requested.LockSet.Add($"@{String(e, "name")}@{String(e, "key")}");
                }

                message.EntityLockRequested = requested;
                return true;
            }

            Timestamp? due = String(json, "due") is { } d ? Timestamp.FromDateTimeOffset(DateTimeOffset.Parse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)) : null;
            string operation = String(json, "op") ?? string.Empty;
            string? input = String(json, "input");
            if (json.TryGetProperty("signal", out JsonElement signal) && signal.ValueKind == JsonValueKind.True)
            {
                message.EntityOperationSignaled = new P.EntityOperationSignaledEvent
                {
                    RequestId = id, Operation = operation, Input = input, ScheduledTime = due, TargetInstanceId = target,
                };
            }
            else
            {
                message.EntityOperationCalled = new P.EntityOperationCalledEvent
                {
                    RequestId = id, Operation = operation, Input = input, ScheduledTime = due, TargetInstanceId = target,
                    ParentInstanceId = parent, ParentExecutionId = String(json, "parentExecution") ?? senderExecutionId,
                };
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            error = $"the entity message can't be read: {e.Message}";
            return false;
        }
    }

    /// <summary>A ResponseMessage for a successful operation.</summary>
    public static string Completed(string? result) => Write(w => w.WriteString("result", result));

    /// <summary>A ResponseMessage for a lock acquisition.</summary>
    public static string LockGranted() => Completed(LockAcquisitionCompleted);

    /// <summary>A ResponseMessage for a failed operation, with DT Core's FailureDetails.</summary>
    public static string Failed(P.TaskFailureDetails failure) => Write(w =>
    {
        w.WriteString("result", failure.ErrorMessage);
        w.WriteString("exceptionType", failure.ErrorType);
        w.WritePropertyName("failureDetails");
        WriteFailure(w, failure);
    });

    private static void WriteFailure(Utf8JsonWriter w, P.TaskFailureDetails f)
    {
        w.WriteStartObject();
        w.WriteString("ErrorType", f.ErrorType);
        w.WriteString("ErrorMessage", f.ErrorMessage);
        w.WriteString("StackTrace", f.StackTrace);
        w.WritePropertyName("InnerFailure");
        if (f.InnerFailure is null)
        {
            w.WriteNullValue();
        }
        else
        {
            WriteFailure(w, f.InnerFailure);
        }

        w.WriteBoolean("IsNonRetriable", f.IsNonRetriable);
        w.WriteNull("Properties");
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string? String(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
