using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record FindUnembeddedInput(string Collection, string Fingerprint, int PageSize, long? MaxItems);

/// <summary>Pages the items that need an embedding by keyset and returns page descriptors (id ranges), never items.</summary>
public sealed class FindUnembedded(IItemStore items, EmbeddingConfig config) : TaskActivity<FindUnembeddedInput, IReadOnlyList<ItemRange>>
{
    public override Task<IReadOnlyList<ItemRange>> RunAsync(TaskActivityContext context, FindUnembeddedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        config.EnsureFingerprint(input.Fingerprint);
        return items.PageUnembeddedAsync(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems, CancellationToken.None);
    }
}
