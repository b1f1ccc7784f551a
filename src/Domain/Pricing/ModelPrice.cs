namespace BatchEmbed.Domain.Pricing;

/// <summary>USD per 1M tokens. Output prices are null for embedding models.</summary>
public sealed record ModelPrice(
    string Model,
    decimal StandardInput,
    decimal? StandardOutput,
    decimal BatchInput,
    decimal? BatchOutput,
    string? Note = null)
{
    public decimal Input(PriceTier tier) => tier == PriceTier.Batch ? BatchInput : StandardInput;

    public decimal Output(PriceTier tier) => (tier == PriceTier.Batch ? BatchOutput : StandardOutput) ?? 0m;

    /// <summary>The cost of <paramref name="inputTokens"/> in and <paramref name="outputTokens"/> out.</summary>
    public decimal Cost(long inputTokens, long outputTokens, PriceTier tier)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        return (inputTokens * Input(tier) + outputTokens * Output(tier)) / 1_000_000m;
    }
}
