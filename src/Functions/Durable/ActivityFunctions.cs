using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Functions.Durable;

/// <summary>
/// Each activity of <c>src/Workflows</c> as an activity function of the same name; no logic here. Activities that read
/// or delete entities get the bound Durable client.
/// </summary>
public static class ActivityFunctions
{
    [Function(nameof(FindUnembedded))]
    public static Task<IReadOnlyList<ItemRange>> FindUnembeddedAsync([ActivityTrigger] FindUnembeddedInput input, FunctionContext context) =>
        Run<FindUnembedded, FindUnembeddedInput, IReadOnlyList<ItemRange>>(context, input);

    [Function(nameof(ChunkAndSerialize))]
    public static Task<ChunkAndSerializeOutput> ChunkAndSerializeAsync([ActivityTrigger] ChunkAndSerializeInput input, FunctionContext context) =>
        Run<ChunkAndSerialize, ChunkAndSerializeInput, ChunkAndSerializeOutput>(context, input);

    [Function(nameof(ClaimBatchItems))]
    public static Task<int> ClaimBatchItemsAsync([ActivityTrigger] ClaimBatchItemsInput input, FunctionContext context) =>
        Run<ClaimBatchItems, ClaimBatchItemsInput, int>(context, input);

    [Function(nameof(PlanCompletions))]
    public static Task<ChunkAndSerializeOutput> PlanCompletionsAsync([ActivityTrigger] PlanCompletionsInput input, FunctionContext context) =>
        Run<PlanCompletions, PlanCompletionsInput, ChunkAndSerializeOutput>(context, input);

    [Function(nameof(StoreAnswers))]
    public static Task<IngestOutcome> StoreAnswersAsync([ActivityTrigger] StoreResultsInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<StoreAnswers, StoreResultsInput, IngestOutcome>(context, input, client);

    [Function(nameof(ListQueuedBatches))]
    public static Task<QueueView> ListQueuedBatchesAsync([ActivityTrigger] string? input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<ListQueuedBatches, string?, QueueView>(context, input, client);

    [Function(nameof(SubmitBatch))]
    public static Task<ProviderObservation> SubmitBatchAsync([ActivityTrigger] SubmitBatchInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<SubmitBatch, SubmitBatchInput, ProviderObservation>(context, input, client);

    [Function(nameof(PollBatch))]
    public static Task<ProviderObservation> PollBatchAsync([ActivityTrigger] string input, FunctionContext context) =>
        Run<PollBatch, string, ProviderObservation>(context, input);

    [Function(nameof(CancelProviderBatch))]
    public static Task<ProviderObservation> CancelProviderBatchAsync([ActivityTrigger] string input, FunctionContext context) =>
        Run<CancelProviderBatch, string, ProviderObservation>(context, input);

    [Function(nameof(CompactDeltas))]
    public static Task<CompactionResult> CompactDeltasAsync([ActivityTrigger] CompactDeltasInput input, FunctionContext context) =>
        Run<CompactDeltas, CompactDeltasInput, CompactionResult>(context, input);

    [Function(nameof(ResetItemStatuses))]
    public static Task<ResetItemStatusesOutput> ResetItemStatusesAsync([ActivityTrigger] ResetItemStatusesInput input, FunctionContext context) =>
        Run<ResetItemStatuses, ResetItemStatusesInput, ResetItemStatusesOutput>(context, input);

    [Function(nameof(ListCollections))]
    public static Task<IReadOnlyList<string>> ListCollectionsAsync([ActivityTrigger] object? input, FunctionContext context) =>
        Run<ListCollections, object?, IReadOnlyList<string>>(context, input);

    [Function(nameof(WriteEnrichmentReport))]
    public static Task<string> WriteEnrichmentReportAsync([ActivityTrigger] WriteEnrichmentReportInput input, FunctionContext context) =>
        Run<WriteEnrichmentReport, WriteEnrichmentReportInput, string>(context, input);

    [Function(nameof(ListPendingBatches))]
    public static Task<IReadOnlyList<PendingBatch>> ListPendingBatchesAsync([ActivityTrigger] string? input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<ListPendingBatches, string?, IReadOnlyList<PendingBatch>>(context, input, client);

    [Function(nameof(StoreResults))]
    public static Task<IngestOutcome> StoreResultsAsync([ActivityTrigger] StoreResultsInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<StoreResults, StoreResultsInput, IngestOutcome>(context, input, client);

    [Function(nameof(ExportBatchSummaries))]
    public static Task<ExportBatchSummariesOutput> ExportBatchSummariesAsync([ActivityTrigger] ExportBatchSummariesInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<ExportBatchSummaries, ExportBatchSummariesInput, ExportBatchSummariesOutput>(context, input, client);

    [Function(nameof(DeleteBatchSummaries))]
    public static Task<int> DeleteBatchSummariesAsync([ActivityTrigger] IReadOnlyList<string> input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<DeleteBatchSummaries, IReadOnlyList<string>, int>(context, input, client);

    [Function(nameof(GetMigration))]
    public static Task<MigrationDefinition> GetMigrationAsync([ActivityTrigger] string input, FunctionContext context) =>
        Run<GetMigration, string, MigrationDefinition>(context, input);

    [Function(nameof(PlanMigration))]
    public static Task<MigrationPlan> PlanMigrationAsync([ActivityTrigger] MigrationDefinition input, FunctionContext context) =>
        Run<PlanMigration, MigrationDefinition, MigrationPlan>(context, input);

    [Function(nameof(CopyMigrationItems))]
    public static Task<CopyMigrationItemsOutput> CopyMigrationItemsAsync([ActivityTrigger] CopyMigrationItemsInput input, FunctionContext context) =>
        Run<CopyMigrationItems, CopyMigrationItemsInput, CopyMigrationItemsOutput>(context, input);

    [Function(nameof(CountItems))]
    public static Task<ItemCounts> CountItemsAsync([ActivityTrigger] string input, FunctionContext context) =>
        Run<CountItems, string, ItemCounts>(context, input);

    [Function(nameof(RetryFailedItems))]
    public static Task<int> RetryFailedItemsAsync([ActivityTrigger] string input, FunctionContext context) =>
        Run<RetryFailedItems, string, int>(context, input);

    [Function(nameof(VerifyMigrationIndex))]
    public static Task<VerifyReport> VerifyMigrationIndexAsync([ActivityTrigger] VerifyMigrationInput input, FunctionContext context) =>
        Run<VerifyMigrationIndex, VerifyMigrationInput, VerifyReport>(context, input);

    [Function(nameof(CleanupMigrationData))]
    public static Task<MigrationCleanup> CleanupMigrationDataAsync([ActivityTrigger] CleanupMigrationInput input, FunctionContext context) =>
        Run<CleanupMigrationData, CleanupMigrationInput, MigrationCleanup>(context, input);

    private static Task<TOutput> Run<TActivity, TInput, TOutput>(FunctionContext context, TInput input, DurableTaskClient? client = null)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        TActivity activity = client is null
            ? ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices)
            : new ClientBoundServices(context.InstanceServices, client).Get<TActivity>();
        return activity.RunAsync(FunctionActivityContext.From(context), input);
    }
}
