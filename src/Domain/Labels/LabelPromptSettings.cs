using System.Security.Cryptography;
using System.Text;

namespace BatchEmbed.Domain.Labels;

/// <summary>How labels are put to the model.</summary>
/// <param name="Version">Bumped to validate every label again with the same words (it is part of the fingerprint).</param>
/// <param name="Instructions">The system message; null for <see cref="DefaultInstructions"/>.</param>
/// <param name="MaxCompletionTokensPerLabel">Output tokens allowed per label judged (plus <see cref="AnswerOverheadTokens"/>): the request's <c>max_completion_tokens</c>, and the bound the budget counts.</param>
public sealed record LabelPromptSettings(
    string Model,
    string Version,
    IReadOnlyList<string> AllowedLabels,
    string? Instructions = null,
    int MaxCompletionTokensPerLabel = 60)
{
    public const int AnswerOverheadTokens = 16;

    public const string DefaultInstructions =
        "You check the labels given to words of a scanned receipt. For each label listed, decide whether the word really is " +
        "that kind of field, using the receipt's lines and metadata: \"valid\", \"invalid\" (then suggest the right label from " +
        "the allowed set, or null when none fits) or \"needs_review\" when the receipt does not make it clear. Give a reason of " +
        "at most 20 words. Answer every label id exactly once.";

    public string EffectiveInstructions => string.IsNullOrWhiteSpace(Instructions) ? DefaultInstructions : Instructions;

    /// <summary>
    /// <c>cp1-</c> and 16 hex digits of SHA-256 over model, version, instructions and the allowed labels: a label
    /// validated under another fingerprint is validated again.
    /// </summary>
    public string Fingerprint()
    {
        string canonical = $"v1|model={Model}|version={Version}|labels={string.Join(",", AllowedLabels)}|per-label={MaxCompletionTokensPerLabel}|{EffectiveInstructions}";
        return "cp1-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))[..8]);
    }

    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Model);
        ArgumentException.ThrowIfNullOrWhiteSpace(Version);
        if (AllowedLabels.Count == 0)
        {
            throw new ArgumentException("At least one allowed label is needed.");
        }

        foreach (string label in AllowedLabels)
        {
            if (label.Length is 0 or > 64 || !char.IsAsciiLetterUpper(label[0]) || !label.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                throw new ArgumentException($"Allowed label '{label}' must be 1-64 capital letters, digits or '_', starting with a letter.");
            }
        }

        if (AllowedLabels.Distinct(StringComparer.Ordinal).Count() != AllowedLabels.Count)
        {
            throw new ArgumentException("An allowed label is listed twice.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCompletionTokensPerLabel, 16);
    }
}
