using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Index">The index to delete: the one the collection's alias no longer names.</param>
public sealed record CleanupMigrationInput(string Name, string Index, bool Forced, DateTimeOffset At);

/// <summary>
/// Ends a swapped migration (seed 003): where the pipeline now embeds with the target's settings, the source collection
/// takes over the shadow's embeddings (items unchanged since, so nothing is paid again); then the shadow collection
/// and the old index are deleted. Safe to run again.
/// </summary>
public sealed class CleanupMigrationData(IItemStore items, IVectorStore vectors, MigrationCatalog migrations, MigrationAdoption adoption, EmbeddingConfig config)
    : TaskActivity<CleanupMigrationInput, MigrationCleanup>
{
    public override async Task<MigrationCleanup> RunAsync(TaskActivityContext context, CleanupMigrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        MigrationDefinition m = await migrations.GetAsync(input.Name, ct) ?? throw new InvalidOperationException($"There is no migration '{input.Name}'.");
        long adopted = config.Fingerprint == m.TargetFingerprint ? await adoption.AdoptAsync(m, ct) : 0;
        long shadow = await items.DeleteCollectionAsync(m.Shadow, ct);
        long deleted = await vectors.DeleteIndexAsync(input.Index, ct);
        return new MigrationCleanup(input.Index, deleted, shadow, adopted, input.Forced, input.At);
    }
}
