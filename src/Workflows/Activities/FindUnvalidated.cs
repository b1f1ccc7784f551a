using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>Pages the labels that need validation under the current prompt and returns id ranges, never labels.</summary>
public sealed class FindUnvalidated(IItemStore items, CompletionConfig config) : TaskActivity<FindUnembeddedInput, IReadOnlyList<ItemRange>>
{
    public override Task<IReadOnlyList<ItemRange>> RunAsync(TaskActivityContext context, FindUnembeddedInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        config.EnsureFingerprint(input.Fingerprint);
        return items.PageUnembeddedAsync(input.Collection, input.Fingerprint, input.PageSize, input.MaxItems, CancellationToken.None);
    }
}
