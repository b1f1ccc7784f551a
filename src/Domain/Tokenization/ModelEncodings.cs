namespace BatchEmbed.Domain.Tokenization;

/// <summary>Which tiktoken encoding a model uses (tiktoken's <c>MODEL_TO_ENCODING</c> and prefix table).</summary>
public static class ModelEncodings
{
    private static readonly (string Prefix, string Encoding)[] s_prefixes =
    [
        ("text-embedding-3-", Tokenizer.Cl100kBaseName),
        ("text-embedding-ada-002", Tokenizer.Cl100kBaseName),
        ("gpt-3.5-turbo", Tokenizer.Cl100kBaseName),
        ("gpt-4o", Tokenizer.O200kBaseName),
        ("gpt-4.1", Tokenizer.O200kBaseName),
        ("gpt-4.5", Tokenizer.O200kBaseName),
        ("gpt-5", Tokenizer.O200kBaseName),
        ("o1", Tokenizer.O200kBaseName),
        ("o3", Tokenizer.O200kBaseName),
        ("o4", Tokenizer.O200kBaseName),
        ("gpt-4", Tokenizer.Cl100kBaseName),
    ];

    /// <summary>The encoding for <paramref name="model"/>; throws with the known prefixes if it is not known.</summary>
    public static string EncodingFor(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (TryGetEncoding(model, out string? encoding))
        {
            return encoding;
        }

        throw new ArgumentException(
            $"No tokenizer is known for model '{model}'. Known model prefixes: {string.Join(", ", s_prefixes.Select(p => p.Prefix))}. " +
            "For an Azure deployment name, give the encoding explicitly.", nameof(model));
    }

    public static bool TryGetEncoding(string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? encoding)
    {
        foreach ((string prefix, string enc) in s_prefixes)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                encoding = enc;
                return true;
            }
        }

        encoding = null;
        return false;
    }
}
