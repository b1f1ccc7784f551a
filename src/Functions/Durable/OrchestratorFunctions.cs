using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Orchestrators;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace BatchEmbed.Functions.Durable;

/// <summary>Each orchestrator of <c>src/Workflows</c> as an orchestration function of the same name; no logic here.</summary>
public static class OrchestratorFunctions
{
    [Function(nameof(SubmitEmbeddings))]
    public static Task<SubmitEmbeddingsOutput> SubmitEmbeddingsAsync([OrchestrationTrigger] TaskOrchestrationContext context, SubmitEmbeddingsInput input) =>
        new SubmitEmbeddings().RunAsync(context, input);

    [Function(nameof(IngestEmbeddings))]
    public static Task<IngestEmbeddingsOutput> IngestEmbeddingsAsync([OrchestrationTrigger] TaskOrchestrationContext context, IngestEmbeddingsInput input) =>
        new IngestEmbeddings().RunAsync(context, input);

    [Function(nameof(ResetEmbeddings))]
    public static Task<ResetEmbeddingsOutput> ResetEmbeddingsAsync([OrchestrationTrigger] TaskOrchestrationContext context, ResetEmbeddingsInput input) =>
        new ResetEmbeddings().RunAsync(context, input);

    [Function(nameof(EnrichAuto))]
    public static Task<EnrichAutoOutput> EnrichAutoAsync([OrchestrationTrigger] TaskOrchestrationContext context, EnrichAutoInput input) =>
        new EnrichAuto().RunAsync(context, input);

    [Function(nameof(CancelBatch))]
    public static Task<BatchSummary> CancelBatchAsync([OrchestrationTrigger] TaskOrchestrationContext context, string input) =>
        new CancelBatch().RunAsync(context, input);

    [Function(nameof(SubmitCompletions))]
    public static Task<SubmitEmbeddingsOutput> SubmitCompletionsAsync([OrchestrationTrigger] TaskOrchestrationContext context, SubmitEmbeddingsInput input) =>
        new SubmitCompletions().RunAsync(context, input);

    [Function(nameof(IngestCompletions))]
    public static Task<IngestCompletionsOutput> IngestCompletionsAsync([OrchestrationTrigger] TaskOrchestrationContext context, IngestEmbeddingsInput input) =>
        new IngestCompletions().RunAsync(context, input);

    [Function(nameof(MigrateEmbeddings))]
    public static Task<MigrateEmbeddingsOutput> MigrateEmbeddingsAsync([OrchestrationTrigger] TaskOrchestrationContext context, MigrateEmbeddingsInput input) =>
        new MigrateEmbeddings().RunAsync(context, input);

    [Function(nameof(VerifyMigration))]
    public static Task<VerifyReport> VerifyMigrationAsync([OrchestrationTrigger] TaskOrchestrationContext context, VerifyMigrationInput input) =>
        new VerifyMigration().RunAsync(context, input);

    [Function(nameof(CleanupMigration))]
    public static Task<CleanupMigrationOutput> CleanupMigrationAsync([OrchestrationTrigger] TaskOrchestrationContext context, CleanupMigrationRequest input) =>
        new CleanupMigration().RunAsync(context, input);
}
