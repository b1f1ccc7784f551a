using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Entities;

/// <summary>
/// Progress of a named pipeline run (for example <c>submit-lines</c>): cursor, processed, succeeded and failed counts,
/// the last batch. Operations are idempotent per step, so a replayed or retried step never double-counts.
/// </summary>
public sealed class CheckpointEntity : TaskEntity<Checkpoint>
{
    public const string Name = "Checkpoint";

    /// <summary>How many failed ids a checkpoint keeps (the latest).</summary>
    public const int MaxFailedIds = 1_000;

    public static EntityInstanceId Id(string pipeline) => new(Name, pipeline);

    public Checkpoint Get() => State;

    /// <summary>Starts a new run: clears counts, keeps nothing of the last run but its id.</summary>
    public Checkpoint Start(CheckpointStart start)
    {
        State = new Checkpoint { RunId = start.RunId, Phase = start.Phase, StartedAt = start.At, UpdatedAt = start.At, Total = start.Total };
        return State;
    }

    public Checkpoint Advance(CheckpointStep step)
    {
        if (step.RunId != State.RunId || State.Steps.Contains(step.StepId))
        {
            return State; // another run's step, or one already counted
        }

        State = State with
        {
            Phase = step.Phase ?? State.Phase,
            Cursor = step.Cursor ?? State.Cursor,
            Processed = State.Processed + step.Processed,
            Succeeded = State.Succeeded + step.Succeeded,
            Failed = State.Failed + step.Failed,
            LastBatchId = step.BatchId ?? State.LastBatchId,
            FailedIds = step.FailedIds is { Count: > 0 } ids ? [.. State.FailedIds.Concat(ids).Distinct(StringComparer.Ordinal).TakeLast(MaxFailedIds)] : State.FailedIds,
            Steps = [.. State.Steps.TakeLast(999), step.StepId],
            UpdatedAt = step.At,
        };
        return State;
    }

    /// <summary>Forgets the failed ids (their items were sent back for another attempt).</summary>
    public Checkpoint ClearFailed()
    {
        State = State with { FailedIds = [] };
        return State;
    }

    public Checkpoint Finish(CheckpointFinish finish)
    {
        if (finish.RunId == State.RunId)
        {
            State = State with { Phase = finish.Phase, FinishedAt = finish.At, UpdatedAt = finish.At, Message = finish.Message };
        }

        return State;
    }
}

/// <summary>A checkpoint's state.</summary>
public sealed record Checkpoint
{
    public string RunId { get; init; } = string.Empty;

    public string Phase { get; init; } = "idle";

    public string? Cursor { get; init; }

    public long Total { get; init; }

    public long Processed { get; init; }

    public long Succeeded { get; init; }

    public long Failed { get; init; }

    public string? LastBatchId { get; init; }

    /// <summary>Items a step reported failed (sent back or given up), the latest <see cref="CheckpointEntity.MaxFailedIds"/>.</summary>
    public IReadOnlyList<string> FailedIds { get; init; } = [];

    public string? Message { get; init; }

    public IReadOnlyList<string> Steps { get; init; } = [];

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}

public sealed record CheckpointStart(string RunId, string Phase, long Total, DateTimeOffset At);

public sealed record CheckpointStep(string RunId, string StepId, string? Phase, string? Cursor, long Processed, long Succeeded, long Failed, string? BatchId, DateTimeOffset At, IReadOnlyList<string>? FailedIds = null);

public sealed record CheckpointFinish(string RunId, string Phase, string? Message, DateTimeOffset At);
