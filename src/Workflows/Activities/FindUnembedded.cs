using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Kind">Embedding: items that need an embedding. Completion: labels that need validation (the fingerprint is the prompt's).</param>
public sealed record FindUnembeddedInput(string Collection, string Fingerprint, int PageSize, long? MaxItems, BatchKind Kind = BatchKind.Embedding);

/// <summary>
/// Pages the items that need work under the current fingerprint (an embedding, or a label's validation) by keyset and
/// returns page descriptors (id ranges), never items. Items a migration to this fingerprint embedded are adopted first.
/// </summary>
public sealed class FindUnembedded(IItemStore items, EmbeddingTargets embeddings, CompletionConfig completions, MigrationAdoption adoption)
    : TaskActivity<FindUnembeddedInput, IReadOnlyList<ItemRange>>
{
    public override async Task<IReadOnlyList<ItemRange>> RunAsync(TaskActivityContext context, FindUnembeddedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Kind == BatchKind.Completion)
        {
            completions.EnsureFingerprint(input.Fingerprint);
        }
        else
        {
            await embeddings.ForAsync(input.Collection, input.Fingerprint, CancellationToken.None);
            await adoption.AdoptAllAsync(input.Collection, input.Fingerprint, CancellationToken.None); // a migration to these settings already paid for its items
        }

        return await items.PageUnembeddedAsync(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems, CancellationToken.None);
    }
}
