using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <param name="What">start, resume or retry-failed.</param>
/// <param name="DryRun">A definition to plan only: nothing is written, submitted or changed.</param>
public sealed record MigrateEmbeddingsInput(
    string Name, string What, MigrationDefinition? DryRun, decimal? BudgetUsd, int PageSize, int CopyPageSize, int MaxConcurrency, int MaxAttempts, int PollSeconds);

/// <param name="Outcome">dry-run, embedded, embedded-with-failures, refused (budget) or failed.</param>
public sealed record MigrateEmbeddingsOutput(string Name, string Outcome, string Message, MigrationPlan? Plan, ItemCounts? Counts, long Copied, int Rounds, decimal EstimatedUsd);

/// <summary>
/// DESIGN §4 MigrateEmbeddings (seed 003), instance <c>migrate-{name}</c>: [CopyMigrationItems] page by page (the
/// source collection into the migration's shadow, by content hash) → rounds of SubmitEmbeddings and IngestEmbeddings
/// (waiting) on the shadow under the target fingerprint, until nothing is left to embed or the attempts are spent →
/// a last copy, and another round if items changed meanwhile. Every batch goes through the exactly-once queue and
/// advances <c>Checkpoint(migrate-{name})</c>; a restarted run (resume) finds embedded items Succeeded and in-flight
/// ones Pending, so nothing is paid twice. Vectors land in the source collection's index of the target fingerprint.
/// </summary>
public sealed class MigrateEmbeddings : TaskOrchestrator<MigrateEmbeddingsInput, MigrateEmbeddingsOutput>
{
    private const int CopyPasses = 3;

    public static string CheckpointName(string name) => "migrate-" + name;

    public override async Task<MigrateEmbeddingsOutput> RunAsync(TaskOrchestrationContext context, MigrateEmbeddingsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.DryRun is { } planned)
        {
            context.SetCustomStatus(new { phase = "planning" });
            MigrationPlan plan = await context.CallActivityAsync<MigrationPlan>(nameof(PlanMigration), planned, Retries.Local);
            string message = $"Dry run: {plan.Items:N0} items into {plan.Requests:N0} requests ({plan.Tokens:N0} tokens) in {plan.Batches} batch(es), " +
                $"projected ${plan.EstimatedUsd:0.######} ({(plan.Sync ? "synchronous" : "batch")} price; synchronous ${plan.StandardUsd:0.######}). Nothing was written or submitted.";
            return new MigrateEmbeddingsOutput(input.Name, "dry-run", message, plan, null, 0, 0, plan.EstimatedUsd);
        }

        var entity = MigrationEntity.Id(input.Name);
        try
        {
            return await RunMigrationAsync(context, input, entity);
        }
        catch (TaskFailedException ex)
        {
            string error = ex.FailureDetails.ErrorMessage;
            await context.Entities.CallEntityAsync<MigrationState>(entity, nameof(MigrationEntity.Finish), new MigrationFinish(MigrationPhases.Failed, "The run failed: resume it once the cause is fixed.", error, context.UtcNow()));
            throw;
        }
    }

    private static async Task<MigrateEmbeddingsOutput> RunMigrationAsync(TaskOrchestrationContext context, MigrateEmbeddingsInput input, Microsoft.DurableTask.Entities.EntityInstanceId entity)
    {
        MigrationDefinition m = await context.CallActivityAsync<MigrationDefinition>(nameof(GetMigration), input.Name, Retries.Local);
        MigrationState state = await context.Entities.CallEntityAsync<MigrationState>(entity, nameof(MigrationEntity.Get));
        var checkpoint = CheckpointEntity.Id(CheckpointName(m.Name));
        if (state.Runs == 0)
        {
            await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.Start), new CheckpointStart(CheckpointRunId, "copying", 0, context.UtcNow()));
        }

        await context.Entities.SignalEntityAsync(entity, nameof(MigrationEntity.Begin), new MigrationRun(input.What, context.UtcNow()));
        string run = context.NewGuid().ToString("N")[..8];
        if (input.What == "retry-failed")
        {
            int retried = await context.CallActivityAsync<int>(nameof(RetryFailedItems), m.Shadow, Retries.Local);
            await context.Entities.SignalEntityAsync(checkpoint, nameof(CheckpointEntity.ClearFailed));
            await context.Entities.SignalEntityAsync(entity, nameof(MigrationEntity.Progress), new MigrationProgress(MigrationPhases.Copying, context.UtcNow(), Message: $"{retried} failed item(s) sent back for another attempt."));
        }

        long copied = 0;
        int rounds = 0;
        decimal estimated = 0;
        for (int pass = 0; pass < CopyPasses; pass++)
        {
            long changed = await CopyAsync(context, input, m, entity);
            copied += changed;
            if (pass > 0 && changed == 0)
            {
                break; // nothing changed while the last rounds ran
            }

            for (int round = 0; round <= input.MaxAttempts; round++)
            {
                ItemCounts counts = await context.CallActivityAsync<ItemCounts>(nameof(CountItems), m.Shadow, Retries.Local);
                if (counts.None == 0 && counts.Pending == 0)
                {
                    break;
                }

                rounds++;
                await context.Entities.SignalEntityAsync(entity, nameof(MigrationEntity.Progress), new MigrationProgress(MigrationPhases.Embedding, context.UtcNow()));
                context.SetCustomStatus(new { phase = "embedding", round = rounds, counts });
                if (counts.None > 0)
                {
                    SubmitEmbeddingsOutput submit = await context.CallSubOrchestratorAsync<SubmitEmbeddingsOutput>(
                        nameof(SubmitEmbeddings),
                        new SubmitEmbeddingsInput(m.Shadow, m.TargetFingerprint, m.TargetModel, input.BudgetUsd, false, null, input.PageSize, input.MaxConcurrency),
                        new SubOrchestrationOptions { InstanceId = $"migrate-{m.Name}-{run}-submit-{rounds}" });
                    estimated += submit.EstimatedUsd;
                    await context.Entities.SignalEntityAsync(entity, nameof(MigrationEntity.Progress), new MigrationProgress(MigrationPhases.Embedding, context.UtcNow(), ProjectedUsd: estimated, Message: submit.Message));
                    if (submit.Outcome == "refused")
                    {
                        return await FinishAsync(context, entity, m, MigrationPhases.Failed, "refused", submit.Message, submit.Message, counts, copied, rounds, estimated);
                    }
                }

                await context.CallSubOrchestratorAsync<IngestEmbeddingsOutput>(
                    nameof(IngestEmbeddings),
                    new IngestEmbeddingsInput(m.Shadow, input.MaxConcurrency, input.MaxAttempts, true, input.PollSeconds),
                    new SubOrchestrationOptions { InstanceId = $"migrate-{m.Name}-{run}-ingest-{rounds}" });
            }
        }

        ItemCounts final = await context.CallActivityAsync<ItemCounts>(nameof(CountItems), m.Shadow, Retries.Local);
        (string phase, string outcome, string message) = final switch
        {
            { Failed: > 0 } => (MigrationPhases.EmbeddedWithFailures, "embedded-with-failures", $"{final.Succeeded:N0} items embedded; {final.Failed:N0} failed after every attempt: retry-failed sends only those again."),
            { None: 0, Pending: 0 } => (MigrationPhases.Embedded, "embedded", $"All {final.Succeeded:N0} items embedded into {m.TargetIndex}: verify, then swap."),
            _ => (MigrationPhases.EmbeddedWithFailures, "embedded-with-failures", $"{final.Succeeded:N0} items embedded; {final.None + final.Pending:N0} still to embed: resume to continue."),
        };
        return await FinishAsync(context, entity, m, phase, outcome, message, null, final, copied, rounds, estimated);
    }

    /// <summary>The run id every batch of a migration advances its checkpoint under (a migration's checkpoint spans its runs).</summary>
    public const string CheckpointRunId = "migration";

    private static async Task<long> CopyAsync(TaskOrchestrationContext context, MigrateEmbeddingsInput input, MigrationDefinition m, Microsoft.DurableTask.Entities.EntityInstanceId entity)
    {
        context.SetCustomStatus(new { phase = "copying" });
        string? cursor = null;
        long read = 0, changed = 0;
        do
        {
            CopyMigrationItemsOutput page = await context.CallActivityAsync<CopyMigrationItemsOutput>(nameof(CopyMigrationItems), new CopyMigrationItemsInput(m.Name, cursor, input.CopyPageSize), Retries.Local);
            read += page.Read;
            changed += page.Changed;
            cursor = page.NextCursor;
            await context.Entities.SignalEntityAsync(entity, nameof(MigrationEntity.Progress), new MigrationProgress(MigrationPhases.Copying, context.UtcNow(), Items: read, Copied: changed));
        }
        while (cursor is not null);
        return changed;
    }

    private static async Task<MigrateEmbeddingsOutput> FinishAsync(
        TaskOrchestrationContext context, Microsoft.DurableTask.Entities.EntityInstanceId entity, MigrationDefinition m, string phase, string outcome, string message, string? error,
        ItemCounts counts, long copied, int rounds, decimal estimated)
    {
        await context.Entities.CallEntityAsync<MigrationState>(entity, nameof(MigrationEntity.Finish), new MigrationFinish(phase, message, error, context.UtcNow()));
        context.SetCustomStatus(new { phase, counts });
        return new MigrateEmbeddingsOutput(m.Name, outcome, message, null, counts, copied, rounds, estimated);
    }
}
