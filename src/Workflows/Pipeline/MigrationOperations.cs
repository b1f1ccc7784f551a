using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Settings;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>What a start asks for: a collection, and the target model (the pipeline's by default) and dimensions.</summary>
public sealed record MigrationStartRequest(string? Collection, string? Model, int? Dimensions, string? Mode, long? SyncBelow, decimal? BudgetUsd, bool? DryRun);

/// <summary>A migration as <c>status</c> shows it.</summary>
public sealed record MigrationStatus(
    string Name, string Collection, string Phase, string? Instance, string? RuntimeStatus, string Model, int? Dimensions, string Provider, string Mode, bool Sync,
    string SourceIndex, string TargetIndex, string Serving, MigrationProgressView Progress, MigrationState State, DateTimeOffset? Started, double? ElapsedSeconds);

/// <param name="Percent">Source items embedded under the target, of all source items.</param>
public sealed record MigrationProgressView(
    double Percent, long SourceItems, ItemCounts Items, long Processed, long BatchSucceeded, long BatchFailed, string? CurrentBatch, double? ItemsPerSecond, double? EtaSeconds,
    IReadOnlyList<string> FailedIds, long TargetVectors);

/// <summary>
/// The migrations' operations that are not workflows (seed 003): building a definition for start, status, and the
/// alias switches of swap and rollback. A swap is one atomic alias write; searches resolve the alias once per query.
/// </summary>
public sealed class MigrationOperations(
    DurableTaskClient client, IItemStore items, IVectorStore vectors, MigrationCatalog catalog, EmbeddingTargets targets, IBatchProvider provider, PipelineOptions options)
{
    public const long DefaultSyncBelow = 1_000;

    public static string InstanceId(string name) => "migrate-" + name;

    /// <summary>The definition a start would write, or why the request is refused.</summary>
    public async Task<(MigrationDefinition? Definition, string? Error)> DefineAsync(string name, MigrationStartRequest request, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        string mode = request.Mode ?? "auto";
        if (!MigrationNames.IsValid(name))
        {
            return (null, $"Invalid migration name '{name}': use 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
        }

        if (!CollectionName.IsValid(request.Collection))
        {
            return (null, "\"collection\" must name a collection (1-64 lowercase letters, digits, '-' or '_').");
        }

        if (!MigrationDefinition.Modes.Contains(mode) || request.SyncBelow is < 0 || request.Dimensions is < 1 or > 16_384 || request.BudgetUsd is < 0)
        {
            return (null, "\"mode\" must be batch, sync or auto; \"syncBelow\" and \"budgetUsd\" cannot be negative; \"dimensions\" must be 1-16384.");
        }

        string collection = request.Collection!;
        long count = (await items.CountByStatusAsync(collection, ct)).Values.Sum();
        if (count == 0)
        {
            return (null, $"Collection '{collection}' has no items to migrate.");
        }

        EmbeddingConfig target;
        try
        {
            target = targets.Target(string.IsNullOrWhiteSpace(request.Model) ? targets.Default.Target.Model : request.Model, request.Dimensions);
        }
        catch (ArgumentException ex)
        {
            return (null, "Invalid target: " + ex.Message);
        }

        (string sourceIndex, EmbeddingConfig? source) = await targets.ServingAsync(collection, ct);
        if (source is null)
        {
            return (null, $"The alias '{collection}' names {sourceIndex}, whose model is not known here.");
        }

        string targetIndex = EmbeddingConfig.IndexName(collection, target.Fingerprint);
        if (targetIndex == sourceIndex)
        {
            return (null, $"Searches of '{collection}' already use {targetIndex} ({target.Target.Model} × {target.Target.EffectiveDimensions}): nothing to migrate.");
        }

        long syncBelow = request.SyncBelow ?? DefaultSyncBelow;
        bool sync = mode == "sync" || (mode == "auto" && (count <= syncBelow || !provider.Profile.SupportsBatchEmbeddings));
        var definition = new MigrationDefinition(
            name, collection, sourceIndex, source.Target.Model, source.Target.Dimensions, target.Target.Model, target.Target.Dimensions, target.Fingerprint, targetIndex,
            mode, syncBelow, sync, now);
        if (await catalog.GetAsync(name, ct) is { } existing && (existing.Collection, existing.TargetFingerprint) != (collection, target.Fingerprint))
        {
            return (null, $"Migration '{name}' already moves '{existing.Collection}' to {existing.TargetModel} × {existing.TargetDimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default"}: resume it, or choose another name.");
        }

        return (definition, null);
    }

    public MigrateEmbeddingsInput RunInput(string name, string what, decimal? budgetUsd, MigrationDefinition? dryRun = null) => new(
        name, what, dryRun, budgetUsd ?? options.BudgetUsd, options.PageSize, Math.Min(options.PageSize, 20_000), options.MaxConcurrency, options.MaxAttempts, options.PollSeconds);

    public async Task<MigrationState> StateAsync(string name, CancellationToken ct) =>
        (await client.Entities.GetEntityAsync<MigrationState>(MigrationEntity.Id(name), includeState: true, ct))?.State ?? new MigrationState();

    public async Task<MigrationStatus?> StatusAsync(string name, CancellationToken ct)
    {
        if (!MigrationNames.IsValid(name) || await catalog.GetAsync(name, ct) is not { } m)
        {
            return null;
        }

        MigrationState state = await StateAsync(name, ct);
        Checkpoint checkpoint = (await client.Entities.GetEntityAsync<Checkpoint>(CheckpointEntity.Id(MigrateEmbeddings.CheckpointName(name)), includeState: true, ct))?.State ?? new Checkpoint();
        OrchestrationMetadata? instance = await client.GetInstanceAsync(InstanceId(name), ct);
        ItemCounts counts = ItemCounts.From(await items.CountByStatusAsync(m.Shadow, ct));
        long sourceItems = (await items.CountByStatusAsync(m.Collection, ct)).Values.Sum();
        (string serving, _) = await targets.ServingAsync(m.Collection, ct);

        double? elapsed = state.RunStartedAt is { } began ? ((state.FinishedAt ?? DateTimeOffset.UtcNow) - began).TotalSeconds : null;
        double? rate = checkpoint.StartedAt is { } from && checkpoint.UpdatedAt is { } to && to > from && checkpoint.Processed > 0
            ? checkpoint.Succeeded / (to - from).TotalSeconds
            : null;
        long left = Math.Max(0, sourceItems - counts.Succeeded);
        double? eta = left == 0 ? 0 : rate is > 0 ? left / rate : null;
        var progress = new MigrationProgressView(
            sourceItems == 0 ? 0 : Math.Round(100.0 * Math.Min(counts.Succeeded, sourceItems) / sourceItems, 2), sourceItems, counts,
            checkpoint.Processed, checkpoint.Succeeded, checkpoint.Failed, checkpoint.LastBatchId, rate is null ? null : Math.Round(rate.Value, 1), eta is null ? null : Math.Round(eta.Value),
            [.. checkpoint.FailedIds.Take(20)], (await vectors.GetStatsAsync(m.TargetIndex, ct)).Vectors);
        return new MigrationStatus(
            m.Name, m.Collection, state.Phase, instance?.InstanceId, instance?.RuntimeStatus.ToString(), m.TargetModel, m.TargetDimensions ?? targets.Target(m.TargetModel, null).Target.EffectiveDimensions,
            provider.Profile.Name, m.Mode, m.Sync, m.SourceIndex, m.TargetIndex, serving, progress, state, state.StartedAt, elapsed);
    }

    /// <summary>Points the collection's alias at <paramref name="to"/> (the target for swap, the source for rollback), atomically.</summary>
    public async Task<(AliasChange? Change, string? Error)> SwitchAsync(string name, string action, bool force, CancellationToken ct)
    {
        if (await catalog.GetAsync(name, ct) is not { } m)
        {
            return (null, $"There is no migration '{name}'.");
        }

        MigrationState state = await StateAsync(name, ct);
        (string from, _) = await targets.ServingAsync(m.Collection, ct); // the alias map, not what was recorded
        string to = action == "swap" ? m.TargetIndex : m.SourceIndex;
        string? refusal = state.Phase == MigrationPhases.Cleaned ? $"Migration '{name}' is cleaned up: its old index is gone."
            : from == to ? $"The alias '{m.Collection}' already names {to}."
            : action == "swap" && !force && state.Verify is not { Passed: true } ? "Swap is refused before a passing verify: verify first, or force it."
            : action == "swap" && !force && state.Phase != MigrationPhases.Embedded ? $"Swap is refused while the migration is '{state.Phase}': every item must be embedded (or force it)."
            : null;
        if (refusal is not null)
        {
            return (null, refusal);
        }

        await vectors.SetAliasAsync(m.Collection, to, ct);
        var change = new AliasChange(action, m.Collection, from, to, DateTimeOffset.UtcNow, force);
        await client.Entities.SignalEntityAsync(MigrationEntity.Id(name), nameof(MigrationEntity.Aliased), change, cancellation: ct);

        // Answer once the migration records it, so a cleanup or status right after sees the switch.
        for (int i = 0; i < 100 && (await StateAsync(name, ct)).Swaps.Count <= state.Swaps.Count; i++)
        {
            await Task.Delay(50, ct);
        }

        return (change, null);
    }
}
