namespace BatchEmbed.Domain.Chunking;

/// <summary>Token windows for long texts. Part of the fingerprint: changing them re-embeds.</summary>
/// <param name="WindowTokens">Tokens per chunk (default 1,500).</param>
/// <param name="OverlapFraction">Share of a window repeated at the start of the next one (default 10%).</param>
/// <param name="MaxInputTokens">The model's per-input limit; no chunk may exceed it (8,191 for OpenAI embeddings).</param>
public sealed record ChunkerSettings(int WindowTokens = 1500, double OverlapFraction = 0.10, int MaxInputTokens = 8191)
{
    public static ChunkerSettings Default { get; } = new();

    public int OverlapTokens => (int)Math.Round(WindowTokens * OverlapFraction, MidpointRounding.AwayFromZero);

    /// <summary>Throws <see cref="ArgumentException"/> that says which setting is wrong and why.</summary>
    public ChunkerSettings Validate()
    {
        if (MaxInputTokens < 16)
        {
            throw new ArgumentException($"MaxInputTokens must be at least 16 (got {MaxInputTokens}).");
        }

        if (WindowTokens < 8 || WindowTokens > MaxInputTokens)
        {
            throw new ArgumentException($"WindowTokens must be between 8 and MaxInputTokens ({MaxInputTokens}); got {WindowTokens}.");
        }

        if (double.IsNaN(OverlapFraction) || OverlapFraction < 0 || OverlapFraction > 0.5)
        {
            throw new ArgumentException($"OverlapFraction must be between 0 and 0.5; got {OverlapFraction}.");
        }

        return this;
    }

    /// <summary>The stable text form that goes into the fingerprint.</summary>
    public string Describe() => FormattableString.Invariant($"window={WindowTokens};overlap={OverlapTokens};max={MaxInputTokens}");
}
