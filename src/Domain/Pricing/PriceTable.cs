namespace BatchEmbed.Domain.Pricing;

/// <summary>
/// Standard and batch prices in USD per 1M tokens, as of <see cref="AsOf"/>. Prices change: check them before a large
/// run, and pass your own <see cref="ModelPrice"/> where a model is missing or a price is out of date.
/// </summary>
public static class PriceTable
{
    public const string AsOf = "2026-08-21";

    public const string Source =
        "OpenAI model pages (standard); secondary copies of platform.openai.com/docs/pricing (batch; unverified against the live page). Batch = 50% of standard.";

    private static readonly ModelPrice[] s_prices =
    [
        new("text-embedding-3-small", 0.02m, null, 0.01m, null),
        new("text-embedding-3-large", 0.13m, null, 0.065m, null),
        new("text-embedding-ada-002", 0.10m, null, 0.05m, null, "batch price unconfirmed"),
        new("gpt-4o-mini", 0.15m, 0.60m, 0.075m, 0.30m),
        new("gpt-4.1-mini", 0.40m, 1.60m, 0.20m, 0.80m),
    ];

    public static IReadOnlyList<ModelPrice> All => s_prices;

    /// <summary>Exact model, or a dated snapshot of it (<c>gpt-4o-mini-2024-07-18</c>).</summary>
    public static ModelPrice? Find(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelPrice? best = null;
        foreach (ModelPrice p in s_prices)
        {
            if (string.Equals(p.Model, model, StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }

            if (model.StartsWith(p.Model + "-", StringComparison.OrdinalIgnoreCase) && (best is null || p.Model.Length > best.Model.Length))
            {
                best = p;
            }
        }

        return best;
    }

    public static ModelPrice Get(string model)
    {
        return Find(model) ?? throw new ArgumentException(
            $"No price is known for model '{model}' (table as of {AsOf}: {string.Join(", ", s_prices.Select(p => p.Model))}). " +
            "Give the model's price explicitly.", nameof(model));
    }
}
