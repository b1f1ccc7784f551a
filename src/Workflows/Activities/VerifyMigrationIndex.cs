using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Connectors.Vectors;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Migrations;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Text;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Queries">How many source items' texts to run as sample queries against both indexes.</param>
/// <param name="MinOverlap">The mean top-k overlap the target must reach.</param>
public sealed record VerifyMigrationInput(string Name, int Queries, int K, double MinOverlap, DateTimeOffset At);

/// <summary>
/// Verifies a migration's target (seed 003): every source item is embedded under the target with its current text,
/// the target holds exactly their vectors at the target's dimensions, and sample queries (source items' own texts)
/// find much the same top-k items in both indexes. Reads both collections side by side in id order.
/// </summary>
public sealed class VerifyMigrationIndex(IItemStore items, IVectorStore vectors, IBatchProvider provider, MigrationCatalog migrations, EmbeddingTargets targets)
    : TaskActivity<VerifyMigrationInput, VerifyReport>
{
    private const int ProblemsShown = 10;

    public override async Task<VerifyReport> RunAsync(TaskActivityContext context, VerifyMigrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        MigrationDefinition m = await migrations.GetAsync(input.Name, ct) ?? throw new InvalidOperationException($"There is no migration '{input.Name}'.");
        long sourceCount = (await items.CountByStatusAsync(m.Collection, ct)).Values.Sum();
        long every = Math.Max(1, sourceCount / Math.Max(1, input.Queries));

        long seen = 0, embedded = 0, chunks = 0;
        var problems = new List<string>();
        long missing = 0, stale = 0, notEmbedded = 0;
        var samples = new List<StoredItem>();
        await using IAsyncEnumerator<StoredItem> shadow = ItemPages.AllAsync(items, m.Shadow, ct).GetAsyncEnumerator(ct);
        bool more = await shadow.MoveNextAsync();
        await foreach (StoredItem item in ItemPages.AllAsync(items, m.Collection, ct))
        {
            if (seen++ % every == 0 && samples.Count < input.Queries)
            {
                samples.Add(item);
            }

            while (more && ItemIdOrder.Compare(shadow.Current.Id, item.Id) < 0)
            {
                more = await shadow.MoveNextAsync(); // in the shadow only: deleted from the source since it was copied
            }

            StoredItem? twin = more && shadow.Current.Id == item.Id ? shadow.Current : null;
            string? problem = twin switch
            {
                null => Count(ref missing, "not copied to the migration"),
                _ when twin.ContentHash != item.ContentHash => Count(ref stale, "changed since it was copied"),
                _ when twin.Status != ItemStatus.Succeeded || twin.Fingerprint != m.TargetFingerprint => Count(ref notEmbedded, $"not embedded under the target ({twin.Status}{(twin.LastError is null ? string.Empty : ": " + twin.LastError)})"),
                _ => null,
            };
            if (problem is null)
            {
                embedded++;
                chunks += twin!.Chunks;
            }
            else if (problems.Count < ProblemsShown)
            {
                problems.Add($"{item.Id}: {problem}");
            }
        }

        VectorIndexStats target = await vectors.GetStatsAsync(m.TargetIndex, ct);
        int? dims = targets.Target(m.TargetModel, m.TargetDimensions).Target.EffectiveDimensions;
        var checks = new List<VerifyCheck>
        {
            new("every item embedded", embedded == seen,
                $"{embedded:N0} of {seen:N0} source items embedded under the target; {missing:N0} not copied, {stale:N0} changed since, {notEmbedded:N0} not embedded"
                + (problems.Count > 0 ? " (" + string.Join("; ", problems) + ")" : string.Empty)),
            new("vector count", target.Vectors == chunks && target.PendingDeltas == 0,
                $"{target.Vectors:N0} vectors in {m.TargetIndex} for {chunks:N0} chunks of the embedded items" + (target.PendingDeltas > 0 ? $"; {target.PendingDeltas} deltas not compacted yet" : string.Empty)),
            new("dimensions", target.Dimensions == dims || target.Vectors == 0 && dims is null,
                $"{target.Dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} (target {dims?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "model default"})"),
        };

        var queries = new List<QueryOverlap>();
        EmbeddingConfig from = targets.Target(m.SourceModel, m.SourceDimensions), to = targets.Target(m.TargetModel, m.TargetDimensions);
        foreach (StoredItem sample in samples)
        {
            string text = TextNormalizer.Normalize(sample.Text);
            if (text.Length == 0)
            {
                continue;
            }

            IReadOnlyList<string> expected = await TopAsync(m.Collection, m.SourceIndex, from, text, input.K, ct);
            IReadOnlyList<string> actual = await TopAsync(m.Collection, m.TargetIndex, to, text, input.K, ct);
            queries.Add(new QueryOverlap(sample.Id, Math.Round(TopKOverlap.Of(expected, actual), 4)));
        }

        return VerifyReport.Of(input.At, checks, queries, input.MinOverlap, input.K, m.SourceIndex, m.TargetIndex);

        static string Count(ref long counter, string why)
        {
            counter++;
            return why;
        }
    }

    /// <summary>
    /// A query's top k in an index, best first, as the texts found (content hashes; an item's chunks count once): items
    /// of the same text score the same, so which of several duplicates an index returns does not count as a difference.
    /// </summary>
    private async Task<IReadOnlyList<string>> TopAsync(string collection, string index, EmbeddingConfig config, string text, int k, CancellationToken ct)
    {
        float[] query = (await provider.EmbedAsync(config.Target.Model, [text], config.Target.Dimensions, ct)).Vectors[0];
        IReadOnlyList<VectorHit> hits = await vectors.SearchAsync(index, query, k, ct);
        var found = new List<string>();
        foreach (string id in hits.Select(h => CustomId.TryParse(h.Key, out CustomId c) ? c.ItemId : h.Key).Distinct(StringComparer.Ordinal))
        {
            found.Add((await items.GetAsync(collection, id, ct))?.ContentHash ?? "gone:" + id);
        }

        return found;
    }
}
