using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Domain.Text;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Planning;

/// <summary>
/// Streams items into <c>/v1/embeddings</c> batch files: normalise, chunk, write one request per chunk, and roll to a new
/// file at every limit. Holds one item and one batch's custom ids at a time, so memory stays flat however large the corpus.
/// </summary>
public sealed class EmbeddingBatchPlanner
{
    private readonly EmbeddingPlanSettings _settings;
    private readonly Chunker _chunker;
    private readonly ModelPrice _price;
    private readonly PriceTier _tier;

    public EmbeddingBatchPlanner(EmbeddingPlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings.Validate();
        Tokenizer tokenizer = settings.TokenizerEncoding is { } enc ? Tokenizer.ForEncoding(enc) : Tokenizer.ForModel(settings.Target.Model);
        _chunker = new Chunker(tokenizer, settings.Target.Chunking);
        _price = settings.Price ?? PriceTable.Get(settings.Target.Model);
        _tier = settings.Profile.SupportsBatchEmbeddings ? PriceTier.Batch : PriceTier.Standard;
    }

    /// <summary>Batch price where the profile batches embeddings, else the synchronous price it will fall back to.</summary>
    public PriceTier Tier => _tier;

    /// <remarks>
    /// A repeated id is caught while its first occurrence is in the open batch (custom ids must be unique per file);
    /// across a whole collection the item store keeps ids unique.
    /// </remarks>
    public async Task<BatchPlan> PlanAsync(IAsyncEnumerable<CorpusItem> items, IBatchFileSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(sink);
        var target = _settings.Target;
        var plan = new BatchPlan(_settings.Profile, BatchEndpoints.Embeddings, target.Model, target.Fingerprint, _tier);
        using var lines = new RequestLineWriter();
        await using var writer = new BatchFileWriter(
            sink,
            BatchLimits.From(_settings.Profile, _settings.MaxTokensPerBatch),
            "embedding",
            $"emb-{_settings.Collection}",
            BatchEndpoints.Embeddings,
            target.Model,
            target.Fingerprint,
            _settings.BatchIdSalt);

        long ordinal = 0;
        long totalTokens = 0;
        await foreach (CorpusItem item in items.WithCancellation(cancellationToken))
        {
            ordinal++;
            string text = TextNormalizer.Normalize(item.Text);
            if (text.Length == 0)
            {
                plan.ItemsSkippedEmpty++;
                continue;
            }

            if (writer.Contains(CustomId.Format(_settings.Collection, item.Id, 0)))
            {
                plan.AddError(new LineError(_settings.Collection, ordinal, $"item '{item.Id}': the id appears twice; only the first is planned"));
                continue;
            }

            IReadOnlyList<Chunk> chunks = _chunker.Split(text);

            foreach (Chunk chunk in chunks)
            {
                string customId = CustomId.Format(_settings.Collection, item.Id, chunk.Index);
                ReadOnlyMemory<byte> line = lines.Embedding(customId, target.Model, chunk.Text, target.Dimensions, _settings.EncodingFormat);
                if (writer.WhyNeverFits(line.Length, chunk.Tokens) is { } never)
                {
                    plan.AddError(new LineError(_settings.Collection, ordinal, $"item '{item.Id}' chunk {chunk.Index}: {never}"));
                    continue;
                }

                decimal usd = _price.Cost(chunk.Tokens, 0, _tier);
                totalTokens += chunk.Tokens;
                if (await writer.AppendAsync(line, customId, 1, chunk.Tokens, usd, cancellationToken) is { } closed)
                {
                    plan.Add(closed);
                }
            }

            plan.ItemsPlanned++;
            if (chunks.Count > 1)
            {
                plan.ItemsChunked++;
            }
        }

        if (await writer.FinishAsync(cancellationToken) is { } last)
        {
            plan.Add(last);
        }

        plan.StandardUsd = _price.Cost(totalTokens, 0, PriceTier.Standard);
        return plan;
    }
}
