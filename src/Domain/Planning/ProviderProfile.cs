namespace BatchEmbed.Domain.Planning;

/// <summary>What a batch provider accepts. Planning stays inside these limits so batches are never rejected for size.</summary>
/// <param name="Name">openai, azure or emulator.</param>
/// <param name="MaxRequestsPerBatch">Lines per input file.</param>
/// <param name="MaxEmbeddingInputsPerBatch">Embedding inputs across all lines, or null where there is no separate cap.</param>
/// <param name="MaxFileBytes">Bytes per input file.</param>
/// <param name="SupportsBatchEmbeddings">False for Azure OpenAI, whose batch API does not take embeddings.</param>
/// <param name="MaxInputTokens">Tokens per embedding input.</param>
/// <param name="ModelIsDeployment">True when <c>model</c> in each line is a deployment name (Azure).</param>
public sealed record ProviderProfile(
    string Name,
    int MaxRequestsPerBatch,
    int? MaxEmbeddingInputsPerBatch,
    long MaxFileBytes,
    bool SupportsBatchEmbeddings,
    int MaxInputTokens = 8191,
    bool ModelIsDeployment = false)
{
    /// <summary>200 MB, counted in decimal megabytes so a file is never over either reading of the limit.</summary>
    public const long TwoHundredMegabytes = 200_000_000;

    public static ProviderProfile OpenAI { get; } = new("openai", 50_000, 50_000, TwoHundredMegabytes, SupportsBatchEmbeddings: true);

    public static ProviderProfile Azure { get; } = new("azure", 100_000, null, TwoHundredMegabytes, SupportsBatchEmbeddings: false, ModelIsDeployment: true);

    /// <summary>The local emulator speaks the OpenAI protocol and enforces OpenAI's limits.</summary>
    public static ProviderProfile Emulator { get; } = OpenAI with { Name = "emulator" };

    public static IReadOnlyList<ProviderProfile> All { get; } = [OpenAI, Azure, Emulator];

    public static ProviderProfile Get(string name)
    {
        return All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown provider profile '{name}'. Known profiles: {string.Join(", ", All.Select(p => p.Name))}.", nameof(name));
    }
}
