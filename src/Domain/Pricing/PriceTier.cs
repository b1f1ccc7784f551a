namespace BatchEmbed.Domain.Pricing;

public enum PriceTier
{
    /// <summary>The synchronous API.</summary>
    Standard,

    /// <summary>The Batch API: 50% of standard.</summary>
    Batch,
}
