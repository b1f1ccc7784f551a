using System.Numerics.Tensors;
using System.Text;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>
/// Deterministic, meaningful embeddings: hashed words and character trigrams projected onto the requested dimensions
/// with a sign, then L2-normalised. Texts that share words are close; the same text always gives the same vector.
/// </summary>
internal static class DeterministicEmbedder
{
    public static float[] Embed(string text, int dimensions)
    {
        var vector = new float[dimensions];
        var word = new StringBuilder();
        foreach (char c in text.ToLowerInvariant().Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }

            if (word.Length > 0)
            {
                AddWord(vector, word.ToString());
                word.Clear();
            }
        }

        float norm = TensorPrimitives.Norm(vector);
        if (norm == 0)
        {
            vector[(int)(Fnv("<empty>") % (ulong)dimensions)] = 1;
            return vector;
        }

        TensorPrimitives.Divide(vector, norm, vector);
        return vector;
    }

    private static void AddWord(float[] v, string w)
    {
        Add(v, "w:" + w, 1.0f);
        string padded = $"<{w}>";
        for (int i = 0; i + 3 <= padded.Length; i++)
        {
            Add(v, string.Concat("t:", padded.AsSpan(i, 3)), 0.35f);
        }
    }

    private static void Add(float[] v, string feature, float weight)
    {
        ulong h = Fnv(feature);
        v[(int)(h % (ulong)v.Length)] += (h >> 63) == 0 ? weight : -weight;
        ulong h2 = h * 0x9E3779B97F4A7C15;
        v[(int)(h2 % (ulong)v.Length)] += ((h2 >> 62) & 1) == 0 ? weight * 0.5f : -weight * 0.5f;
    }

    internal static ulong Fnv(string s)
    {
        ulong h = 14695981039346656037;
        foreach (char c in s)
        {
            h = (h ^ c) * 1099511628211;
        }

        return h ^ (h >> 29);
    }
}
