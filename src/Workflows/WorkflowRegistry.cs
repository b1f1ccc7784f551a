using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Orchestrators;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows;

/// <summary>
/// Every orchestrator, activity and entity of the pipeline, by the names both hosts register them under: the
/// standalone host's worker through <see cref="AddWorkflows"/>, the Functions app as functions of the same names.
/// </summary>
public static class WorkflowRegistry
{
    public static IReadOnlyList<(string Name, Type Type)> Orchestrators { get; } =
    [
        (nameof(SubmitEmbeddings), typeof(SubmitEmbeddings)),
        (nameof(IngestEmbeddings), typeof(IngestEmbeddings)),
        (nameof(ResetEmbeddings), typeof(ResetEmbeddings)),
        (nameof(EnrichAuto), typeof(EnrichAuto)),
        (nameof(CancelBatch), typeof(CancelBatch)),
        (nameof(SubmitCompletions), typeof(SubmitCompletions)),
        (nameof(IngestCompletions), typeof(IngestCompletions)),
        (nameof(MigrateEmbeddings), typeof(MigrateEmbeddings)),
        (nameof(VerifyMigration), typeof(VerifyMigration)),
        (nameof(CleanupMigration), typeof(CleanupMigration)),
    ];

    public static IReadOnlyList<(string Name, Type Type)> Activities { get; } =
    [
        (nameof(FindUnembedded), typeof(FindUnembedded)),
        (nameof(ChunkAndSerialize), typeof(ChunkAndSerialize)),
        (nameof(ClaimBatchItems), typeof(ClaimBatchItems)),
        (nameof(ListQueuedBatches), typeof(ListQueuedBatches)),
        (nameof(SubmitBatch), typeof(SubmitBatch)),
        (nameof(ListPendingBatches), typeof(ListPendingBatches)),
        (nameof(PollBatch), typeof(PollBatch)),
        (nameof(StoreResults), typeof(StoreResults)),
        (nameof(CompactDeltas), typeof(CompactDeltas)),
        (nameof(ExportBatchSummaries), typeof(ExportBatchSummaries)),
        (nameof(DeleteBatchSummaries), typeof(DeleteBatchSummaries)),
        (nameof(ResetItemStatuses), typeof(ResetItemStatuses)),
        (nameof(CancelProviderBatch), typeof(CancelProviderBatch)),
        (nameof(ListCollections), typeof(ListCollections)),
        (nameof(WriteEnrichmentReport), typeof(WriteEnrichmentReport)),
        (nameof(PlanCompletions), typeof(PlanCompletions)),
        (nameof(StoreAnswers), typeof(StoreAnswers)),
        (nameof(GetMigration), typeof(GetMigration)),
        (nameof(PlanMigration), typeof(PlanMigration)),
        (nameof(CopyMigrationItems), typeof(CopyMigrationItems)),
        (nameof(CountItems), typeof(CountItems)),
        (nameof(RetryFailedItems), typeof(RetryFailedItems)),
        (nameof(VerifyMigrationIndex), typeof(VerifyMigrationIndex)),
        (nameof(CleanupMigrationData), typeof(CleanupMigrationData)),
    ];

    public static IReadOnlyList<(string Name, Type Type)> Entities { get; } =
    [
        (BatchSummaryEntity.Name, typeof(BatchSummaryEntity)),
        (CheckpointEntity.Name, typeof(CheckpointEntity)),
        (QuotaEntity.Name, typeof(QuotaEntity)),
        (MigrationEntity.Name, typeof(MigrationEntity)),
    ];

    public static DurableTaskRegistry AddWorkflows(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach ((string name, Type type) in Orchestrators)
        {
            registry.AddOrchestrator(name, type);
        }

        foreach ((string name, Type type) in Activities)
        {
            registry.AddActivity(name, type);
        }

        foreach ((string name, Type type) in Entities)
        {
            registry.AddEntity(name, type);
        }

        return registry;
    }
}
