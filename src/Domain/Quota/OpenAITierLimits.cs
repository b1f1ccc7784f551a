namespace BatchEmbed.Domain.Quota;

/// <summary>
/// The enqueued-token ("batch queue") limits OpenAI publishes per usage tier on its model pages, as far as this project
/// has them from a source (its reference notes of 2026: text-embedding-3-large tiers 1–5; gpt-4.1-mini and gpt-4o-mini
/// tiers 1 and 5). A model or tier not listed has no default: the pipeline then learns the limit from refusals rather
/// than assume one. Organisations can have other limits; a configured limit always wins.
/// </summary>
public static class OpenAITierLimits
{
    private static readonly Dictionary<string, long?[]> s_byModel = new(StringComparer.Ordinal)
    {
        ["text-embedding-3-large"] = [3_000_000, 20_000_000, 100_000_000, 500_000_000, 4_000_000_000],
        ["gpt-4.1-mini"] = [2_000_000, null, null, null, 15_000_000_000],
        ["gpt-4o-mini"] = [2_000_000, null, null, null, 15_000_000_000],
    };

    /// <summary>The published limit for the model at usage tier 1–5, or null where none is recorded.</summary>
    public static long? For(string model, int tier)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tier, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tier, 5);
        return s_byModel.TryGetValue(model, out long?[]? limits) ? limits[tier - 1] : null;
    }

    /// <summary>Every recorded limit at the tier, by model.</summary>
    public static IReadOnlyDictionary<string, long> At(int tier) =>
        s_byModel.Keys.Select(m => (m, For(m, tier))).Where(x => x.Item2 is not null).ToDictionary(x => x.m, x => x.Item2!.Value, StringComparer.Ordinal);
}
