using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Orchestrators;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows;

/// <summary>Every orchestrator, activity and entity of the pipeline, by the names both hosts register them under.</summary>
public static class WorkflowRegistry
{
    public static DurableTaskRegistry AddWorkflows(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<SubmitEmbeddings>()
            .AddOrchestrator<IngestEmbeddings>()
            .AddOrchestrator<ResetEmbeddings>()
            .AddOrchestrator<EnrichAuto>()
            .AddOrchestrator<CancelBatch>()
            .AddActivity<FindUnembedded>()
            .AddActivity<ChunkAndSerialize>()
            .AddActivity<SubmitBatch>()
            .AddActivity<ListPendingBatches>()
            .AddActivity<PollBatch>()
            .AddActivity<StoreResults>()
            .AddActivity<CompactDeltas>()
            .AddActivity<ExportBatchSummaries>()
            .AddActivity<DeleteBatchSummaries>()
            .AddActivity<ResetItemStatuses>()
            .AddActivity<CancelProviderBatch>()
            .AddActivity<ListCollections>()
            .AddActivity<WriteEnrichmentReport>()
            .AddEntity(BatchSummaryEntity.Name, _ => new BatchSummaryEntity())
            .AddEntity(CheckpointEntity.Name, _ => new CheckpointEntity());
    }
}
