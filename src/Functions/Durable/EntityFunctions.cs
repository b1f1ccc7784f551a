using BatchEmbed.Workflows.Entities;
using Microsoft.Azure.Functions.Worker;

namespace BatchEmbed.Functions.Durable;

/// <summary>Each entity of <c>src/Workflows</c> as an entity function of the same name, dispatched to its <c>TaskEntity</c>.</summary>
public static class EntityFunctions
{
    [Function(BatchSummaryEntity.Name)]
    public static Task BatchSummaryAsync([EntityTrigger] TaskEntityDispatcher dispatcher) => dispatcher.DispatchAsync<BatchSummaryEntity>();

    [Function(CheckpointEntity.Name)]
    public static Task CheckpointAsync([EntityTrigger] TaskEntityDispatcher dispatcher) => dispatcher.DispatchAsync<CheckpointEntity>();

    [Function(QuotaEntity.Name)]
    public static Task QuotaAsync([EntityTrigger] TaskEntityDispatcher dispatcher) => dispatcher.DispatchAsync<QuotaEntity>();

    [Function(MigrationEntity.Name)]
    public static Task MigrationAsync([EntityTrigger] TaskEntityDispatcher dispatcher) => dispatcher.DispatchAsync<MigrationEntity>();
}
