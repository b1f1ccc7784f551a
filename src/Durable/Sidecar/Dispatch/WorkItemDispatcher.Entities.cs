using BatchEmbed.DurableTask.Sidecar.Entities;
using BatchEmbed.DurableTask.Sidecar.Episodes;
using BatchEmbed.DurableTask.Sidecar.Store;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

internal sealed partial class WorkItemDispatcher
{
    private readonly KeyedWork<EntityTurn> _entities = new(s => s.Entities, s => s.MaxEntities, (s, d) => s.Entities += d);

    private void EntityReady(string entityId) => _entities.Ready(entityId);

    /// <summary>Reserves a worker for each ready entity and plans its turn. Called under the lock.</summary>
    private void DispatchEntities() =>
        DispatchKeyed(_entities, 'e', (s, id) => s.TakesEntity(id), SendEntityAsync);

    private async Task SendEntityAsync(HeldWork<EntityTurn> held)
    {
        try
        {
            while (true)
            {
                long now = SidecarStore.Now();
                EntitySnapshot? snapshot = _store.LoadEntity(held.Id, now, _options.MaxOperationsPerEntityBatch);
                if (snapshot is null || snapshot.Messages.Count == 0)
                {
                    Finish(_entities, held, again: false, TimerKind.Entity);
                    return;
                }

                EntityTurn turn = EntityScheduler.Plan(snapshot, _options.MaxOperationsPerEntityBatch, MaxNewEventBytes, now);
                if (turn.Operations.Count == 0)
                {
                    if (turn.Commit.Consumed.Count == 0)
                    {
                        Finish(_entities, held, again: false, TimerKind.Entity); // everything waits for a lock to be released
                        return;
                    }

                    await _store.CommitEntityAsync(turn.Commit); // lock steps only: no worker needed
                    continue;
                }

                var request = new P.EntityRequest { InstanceId = held.Id, ExecutionId = string.Empty, EntityState = snapshot.State };
                request.OperationRequests.AddRange(turn.Operations.Select(o => o.Event));
                SendOrReturn(_entities, held, turn, new P.WorkItem { EntityRequestV2 = request, CompletionToken = held.Token }, TimerKind.Entity);
                return;
            }
        }
#pragma warning disable CA1031 // a failed turn is retried after a pause
        catch (Exception e)
#pragma warning restore CA1031
        {
            Failed("entity", held.Id, e);
            Finish(_entities, held, again: false, TimerKind.Entity, _options.AbandonRetryDelay);
        }
    }

    /// <summary>
    /// Commits an entity batch: its results answer the callers, its state, signals and starts are written, all in one
    /// transaction with the consumed messages, so no operation is lost or applied twice. A batch the worker could not
    /// run (its framework failed) is retried later.
    /// </summary>
    public async Task CompleteEntityAsync(P.EntityBatchResult result)
    {
        HeldWork<EntityTurn> held;
        lock (_gate)
        {
            if (!_entities.TryGetByToken(result.CompletionToken, out held) || held.Sent is null || held.Committing)
            {
                throw new CompletionRefusedException($"Entity work item '{result.CompletionToken}' is not outstanding (it was handed out again, or the backend restarted); it is not applied.");
            }

            held.Committing = true;
        }

        if (result.FailureDetails is { } failure)
        {
            Log.EntityBatchFailed(_logger, held.Id, $"{failure.ErrorType}: {failure.ErrorMessage}");
            Finish(_entities, held, again: false, TimerKind.Entity, _options.AbandonRetryDelay);
            return;
        }

        EntityTurn turn = held.Sent;
        try
        {
            EntityScheduler.Apply(turn, Limited(result, turn), SidecarStore.Now());
            await _store.CommitEntityAsync(turn.Commit);
        }
        finally
        {
            Finish(_entities, held, again: true, TimerKind.Entity);
        }
    }

    /// <summary>A batch whose new state or a result is over the payload limit fails those operations instead, state unchanged.</summary>
    private P.EntityBatchResult Limited(P.EntityBatchResult result, EntityTurn turn)
    {
        string? problem = PayloadLimit.Problem($"state of entity '{turn.Snapshot.EntityId}'", result.EntityState, _options.MaxPayloadBytes)
            ?? result.Results.Select(r => PayloadLimit.Problem($"result of an operation on entity '{turn.Snapshot.EntityId}'", r.Success?.Result, _options.MaxPayloadBytes)).FirstOrDefault(p => p is not null);
        if (problem is null)
        {
            return result;
        }

        var refused = new P.EntityBatchResult { EntityState = turn.Snapshot.State, CompletionToken = result.CompletionToken };
        for (int i = 0; i < result.Results.Count; i++)
        {
            refused.Results.Add(new P.OperationResult { Failure = new P.OperationResultFailure { FailureDetails = PayloadLimit.Failure(problem) } });
        }

        return refused;
    }

    public void AbandonEntity(string token) => Abandon(_entities, token, TimerKind.Entity);
}
