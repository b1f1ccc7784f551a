namespace BatchEmbed.DurableTask.Core;

/// <summary>An operation sent to an entity (an EventRaised named "op"), with the fields of DTFx's RequestMessage.</summary>
internal sealed record EntityRequest(string Op, bool Signal, string? Input, string Id, string? Parent, DateTime? Due);

/// <summary>An entity's answer to a call, raised on the caller as an event named by the request id.</summary>
internal sealed record EntityResponse(string? Result, TaskFailureDetails? FailureDetails);

internal static class EntityEvents
{
    public const string Operation = "op";
}
