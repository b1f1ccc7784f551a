using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Migrations;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Entities;

/// <summary>
/// A migration's state (seed 003), keyed by its name: its phase, its last copy, the last error, the
/// latest verification, and every swap and rollback. The per-batch progress is its checkpoint,
/// <c>Checkpoint(migrate-{name})</c>; the fixed definition is in the blob store.
/// </summary>
public sealed class MigrationEntity : TaskEntity<MigrationState>
{
    public const string Name = "Migration";

    public static EntityInstanceId Id(string migration) => new(Name, migration);

    public MigrationState Get() => State;

    /// <summary>A run (start, resume or retry-failed) begins.</summary>
    public MigrationState Begin(MigrationRun run)
    {
        State = State with
        {
            Phase = MigrationPhases.Copying,
            Runs = State.Runs + 1,
            StartedAt = State.StartedAt ?? run.At,
            RunStartedAt = run.At,
            UpdatedAt = run.At,
            FinishedAt = null,
            LastError = null,
            Message = run.What,
        };
        return State;
    }

    public MigrationState Progress(MigrationProgress p)
    {
        State = State with
        {
            Phase = p.Phase,
            Items = p.Items ?? State.Items,
            Copied = p.Copied ?? State.Copied,
            ProjectedUsd = p.ProjectedUsd ?? State.ProjectedUsd,
            Message = p.Message ?? State.Message,
            UpdatedAt = p.At,
        };
        return State;
    }

    /// <summary>A run ended (embedded, with failures, or failed with <see cref="MigrationFinish.Error"/>).</summary>
    public MigrationState Finish(MigrationFinish f)
    {
        State = State with { Phase = f.Phase, Message = f.Message, LastError = f.Error ?? State.LastError, FinishedAt = f.At, UpdatedAt = f.At };
        return State;
    }

    public MigrationState Verified(VerifyReport report)
    {
        State = State with { Verify = report, UpdatedAt = report.At };
        return State;
    }

    /// <summary>A swap or rollback happened: the alias now names <see cref="AliasChange.To"/>.</summary>
    public MigrationState Aliased(AliasChange change)
    {
        State = State with { Serving = change.To, Swaps = [.. State.Swaps, change], UpdatedAt = change.At };
        return State;
    }

    public MigrationState Cleaned(MigrationCleanup cleanup)
    {
        State = State with { Phase = MigrationPhases.Cleaned, Cleanup = cleanup, UpdatedAt = cleanup.At };
        return State;
    }
}

/// <summary>Where a migration is.</summary>
public static class MigrationPhases
{
    public const string New = "new";
    public const string Copying = "copying";
    public const string Embedding = "embedding";
    public const string Embedded = "embedded";
    public const string EmbeddedWithFailures = "embedded-with-failures";
    public const string Failed = "failed";
    public const string Cleaned = "cleaned";
}

/// <summary>A migration's state.</summary>
public sealed record MigrationState
{
    public string Phase { get; init; } = MigrationPhases.New;

    public int Runs { get; init; }

    /// <summary>Source items at the last copy, and how many of them the copy found new or changed.</summary>
    public long Items { get; init; }

    public long Copied { get; init; }

    public decimal? ProjectedUsd { get; init; }

    public string? Message { get; init; }

    public string? LastError { get; init; }

    public VerifyReport? Verify { get; init; }

    /// <summary>The index the collection's alias names after the last swap or rollback (null: never switched).</summary>
    public string? Serving { get; init; }

    public IReadOnlyList<AliasChange> Swaps { get; init; } = [];

    public MigrationCleanup? Cleanup { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? RunStartedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}

public sealed record ItemCounts(long None, long Pending, long Succeeded, long Failed)
{
    public static ItemCounts From(IReadOnlyDictionary<ItemStatus, long> byStatus)
    {
        ArgumentNullException.ThrowIfNull(byStatus);
        return new(byStatus.GetValueOrDefault(ItemStatus.None), byStatus.GetValueOrDefault(ItemStatus.Pending), byStatus.GetValueOrDefault(ItemStatus.Succeeded), byStatus.GetValueOrDefault(ItemStatus.Failed));
    }

    public long Total => None + Pending + Succeeded + Failed;
}

/// <param name="What">start, resume or retry-failed.</param>
public sealed record MigrationRun(string What, DateTimeOffset At);

public sealed record MigrationProgress(string Phase, DateTimeOffset At, long? Items = null, long? Copied = null, decimal? ProjectedUsd = null, string? Message = null);

public sealed record MigrationFinish(string Phase, string Message, string? Error, DateTimeOffset At);

/// <param name="Action">swap or rollback.</param>
public sealed record AliasChange(string Action, string Alias, string From, string To, DateTimeOffset At, bool Forced);

/// <param name="Adopted">Source items that took over the migration's embeddings (the pipeline embeds with the target's settings).</param>
public sealed record MigrationCleanup(string DeletedIndex, long Vectors, long ShadowItems, long Adopted, bool Forced, DateTimeOffset At);
