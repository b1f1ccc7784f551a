using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>A migration's definition from the blob store, for its orchestrations (which do no I/O of their own).</summary>
public sealed class GetMigration(MigrationCatalog migrations) : TaskActivity<string, MigrationDefinition>
{
    public override async Task<MigrationDefinition> RunAsync(TaskActivityContext context, string input) =>
        await migrations.GetAsync(input, CancellationToken.None) ?? throw new InvalidOperationException($"There is no migration '{input}'.");
}
