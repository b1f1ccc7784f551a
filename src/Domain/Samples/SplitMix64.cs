namespace BatchEmbed.Domain.Samples;

/// <summary>A tiny seeded generator whose sequence never changes between runtimes (System.Random's may).</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>0 &lt;= value &lt; <paramref name="max"/>.</summary>
    public int Below(int max) => (int)(Next() % (ulong)max);

    public int Between(int min, int maxInclusive) => min + Below(maxInclusive - min + 1);

    public bool Chance(double p) => (Next() >> 11) * (1.0 / (1UL << 53)) < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Below(items.Count)];
}
