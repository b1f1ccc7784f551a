using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

public sealed record CompactDeltasInput(string Collection, string Fingerprint);

/// <summary>Merges a collection's vector deltas into a new snapshot (the index serialises compactions itself).</summary>
public sealed class CompactDeltas(IVectorStore vectors) : TaskActivity<CompactDeltasInput, CompactionResult>
{
    public override Task<CompactionResult> RunAsync(TaskActivityContext context, CompactDeltasInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return vectors.CompactAsync(EmbeddingConfig.IndexName(input.Collection, input.Fingerprint), CancellationToken.None);
    }
}
