using BatchEmbed.Domain.Labels;

namespace BatchEmbed.Workflows.Settings;

/// <summary>How receipt labels are validated by completion batches (seed 004): the <c>Completions__*</c> settings.</summary>
public sealed class CompletionOptions
{
    public const string Section = "Completions";

    /// <summary>The labels the sample receipts use; a label outside the allowed set is rejected at import.</summary>
    public static readonly IReadOnlyList<string> DefaultLabels =
    [
        "MERCHANT_NAME", "ADDRESS_LINE", "PHONE_NUMBER", "DATE", "TIME", "PRODUCT_NAME", "QUANTITY", "LINE_TOTAL",
        "SUBTOTAL", "TAX", "GRAND_TOTAL", "PAYMENT_METHOD",
    ];

    /// <summary>The chat model (on Azure, the deployment name; set <see cref="PriceModel"/> too).</summary>
    public string Model { get; set; } = "gpt-4o-mini";

    /// <summary>The model whose price applies (for Azure deployment names); empty uses <see cref="Model"/>.</summary>
    public string? PriceModel { get; set; }

    /// <summary>Part of the fingerprint: bump it to validate every label again.</summary>
    public string PromptVersion { get; set; } = "1";

    /// <summary>The system message; empty for the built-in one.</summary>
    public string? Instructions { get; set; }

    /// <summary>Comma-separated allowed labels; empty for <see cref="DefaultLabels"/>.</summary>
    public string? AllowedLabels { get; set; }

    public int MaxCompletionTokensPerLabel { get; set; } = 60;

    /// <summary>Attempts per label before it is left NeedsReview for want of a usable answer.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Labels per planning page (each page is planned by one activity; a receipt is never split).</summary>
    public int PageSize { get; set; } = 20_000;

    public string LabelsCollection { get; set; } = "labels";

    public string ReceiptsCollection { get; set; } = "receipts";

    public string LinesCollection { get; set; } = "lines";

    public string WordsCollection { get; set; } = "words";

    /// <summary>
    /// The collections that are judged or read as context, never embedded: the labels and the receipts' metadata.
    /// Embedding runs over every collection leave them out, and one started for them by name is refused.
    /// </summary>
    public bool IsNotEmbedded(string collection) =>
        string.Equals(collection, LabelsCollection, StringComparison.Ordinal) || string.Equals(collection, ReceiptsCollection, StringComparison.Ordinal);

    public IReadOnlyList<string> Labels() =>
        string.IsNullOrWhiteSpace(AllowedLabels)
            ? DefaultLabels
            : [.. AllowedLabels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public LabelPromptSettings PromptSettings() => new(Model, PromptVersion, Labels(), Instructions, MaxCompletionTokensPerLabel);

    public CompletionOptions Validate()
    {
        try
        {
            PromptSettings().Validate();
            foreach (string c in new[] { LabelsCollection, ReceiptsCollection, LinesCollection, WordsCollection })
            {
                Domain.Planning.CollectionName.Validate(c);
            }
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"The {Section} settings are not valid: {ex.Message}", ex);
        }

        if (MaxAttempts < 1 || PageSize < 1)
        {
            throw new InvalidOperationException($"{Section}__MaxAttempts and {Section}__PageSize must be at least 1.");
        }

        return this;
    }
}
