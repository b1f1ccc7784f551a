using BatchEmbed.Domain.Migrations;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>Verifies a migration's target ([VerifyMigrationIndex]) and records the report on the migration; instance <c>migrate-{name}</c>.</summary>
public sealed class VerifyMigration : TaskOrchestrator<VerifyMigrationInput, VerifyReport>
{
    public override async Task<VerifyReport> RunAsync(TaskOrchestrationContext context, VerifyMigrationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new { phase = "verifying" });
        VerifyReport report = await context.CallActivityAsync<VerifyReport>(nameof(VerifyMigrationIndex), input with { At = context.UtcNow() }, Retries.Provider);
        await context.Entities.CallEntityAsync<MigrationState>(MigrationEntity.Id(input.Name), nameof(MigrationEntity.Verified), report);
        context.SetCustomStatus(new { phase = report.Passed ? "verified" : "verify-failed" });
        return report;
    }
}
