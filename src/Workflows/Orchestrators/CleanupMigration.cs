using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

public sealed record CleanupMigrationRequest(string Name, bool Force);

/// <param name="Outcome">cleaned or refused.</param>
public sealed record CleanupMigrationOutput(string Name, string Outcome, string Message, MigrationCleanup? Cleanup);

/// <summary>
/// Ends a migration, instance <c>migrate-{name}</c>: refused unless its last verification passed and the alias names
/// the target (forced: allowed anyway, and before a swap it abandons the target instead); then [CleanupMigrationData]
/// deletes the index no longer searched and the shadow collection, the source taking over the target's embeddings
/// where the pipeline now embeds with the target's settings.
/// </summary>
public sealed class CleanupMigration : TaskOrchestrator<CleanupMigrationRequest, CleanupMigrationOutput>
{
    public override async Task<CleanupMigrationOutput> RunAsync(TaskOrchestrationContext context, CleanupMigrationRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var entity = MigrationEntity.Id(input.Name);
        MigrationDefinition m = await context.CallActivityAsync<MigrationDefinition>(nameof(GetMigration), input.Name, Retries.Local);
        MigrationState state = await context.Entities.CallEntityAsync<MigrationState>(entity, nameof(MigrationEntity.Get));
        if (Refusal(m, state, input.Force) is { } why)
        {
            return new CleanupMigrationOutput(input.Name, "refused", why, null);
        }

        bool swapped = state.Serving == m.TargetIndex;
        context.SetCustomStatus(new { phase = "cleaning" });
        MigrationCleanup cleanup = await context.CallActivityAsync<MigrationCleanup>(
            nameof(CleanupMigrationData), new CleanupMigrationInput(m.Name, swapped ? m.SourceIndex : m.TargetIndex, input.Force, context.UtcNow()), Retries.Local);
        await context.Entities.CallEntityAsync<MigrationState>(entity, nameof(MigrationEntity.Cleaned), cleanup);
        string adopted = cleanup.Adopted > 0 ? $"; {cleanup.Adopted:N0} items of '{m.Collection}' now count as embedded under the target" : string.Empty;
        return new CleanupMigrationOutput(input.Name, "cleaned", $"Deleted {cleanup.DeletedIndex} ({cleanup.Vectors:N0} vectors) and the migration's {cleanup.ShadowItems:N0} tracked items{adopted}.", cleanup);
    }

    /// <summary>Why cleanup may not run now, or null.</summary>
    public static string? Refusal(MigrationDefinition m, MigrationState state, bool force)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Phase == MigrationPhases.Cleaned)
        {
            return $"Migration '{m.Name}' is already cleaned up.";
        }

        if (force)
        {
            return null;
        }

        if (state.Verify is not { Passed: true })
        {
            return $"Cleanup is refused before a passing verify (the last one {(state.Verify is null ? "has not run" : "failed")}): verify, swap, then clean up, or force it.";
        }

        return state.Serving == m.TargetIndex
            ? null
            : $"Cleanup is refused before a swap: the alias '{m.Collection}' still names {state.Serving ?? m.SourceIndex}. Swap first, or force it (which deletes the target instead).";
    }
}
