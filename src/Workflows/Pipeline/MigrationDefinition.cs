using BatchEmbed.Domain.Migrations;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// What a migration moves (seed 003), fixed when it starts: the collection, the index its searches used (through the
/// collection's alias) and that index's model, and the target model, dimensions, fingerprint and index.
/// </summary>
/// <param name="Mode">batch, sync or auto: as asked.</param>
/// <param name="Sync">Whether it embeds through the synchronous API: mode sync, or auto with at most <paramref name="SyncBelow"/> items.</param>
public sealed record MigrationDefinition(
    string Name,
    string Collection,
    string SourceIndex,
    string SourceModel,
    int? SourceDimensions,
    string TargetModel,
    int? TargetDimensions,
    string TargetFingerprint,
    string TargetIndex,
    string Mode,
    long SyncBelow,
    bool Sync,
    DateTimeOffset CreatedAt)
{
    public static readonly string[] Modes = ["batch", "sync", "auto"];

    /// <summary>The collection that tracks the migration's items.</summary>
    public string Shadow => MigrationNames.Shadow(Collection, Name);
}
