using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchEmbed.DurableTask.History;

/// <summary>
/// One history event. A single flat record carries the fields of every Durable Task Core event kind; unused ones are
/// null and omitted from the stored JSON.
/// </summary>
public sealed record HistoryEvent(EventType EventType, int EventId, DateTime Timestamp)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Activity, orchestrator, timer-free event or sub-orchestration name.</summary>
    public string? Name { get; init; }

    public string? Input { get; init; }

    public string? Result { get; init; }

    /// <summary>For completions: the <see cref="EventId"/> of the TaskScheduled / SubOrchestrationInstanceCreated / TimerCreated event.</summary>
    public int? TaskScheduledId { get; init; }

    public DateTime? FireAt { get; init; }

    /// <summary>EventSent: the target instance; SubOrchestrationInstanceCreated: the child instance.</summary>
    public string? InstanceId { get; init; }

    public string? ExecutionId { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public OrchestrationRuntimeStatus? OrchestrationStatus { get; init; }

    public string? ParentInstanceId { get; init; }

    public string? ParentName { get; init; }

    public int? ParentTaskId { get; init; }

    public DateTime? ScheduledStartTime { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static HistoryEvent FromJson(string json) => JsonSerializer.Deserialize<HistoryEvent>(json, s_json)
        ?? throw new JsonException("empty history event");
}
