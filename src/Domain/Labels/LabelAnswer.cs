namespace BatchEmbed.Domain.Labels;

/// <summary>
/// What one receipt's answer came to: a verdict for every label asked about, or a problem that sends every label of
/// the receipt back for another attempt (<see cref="ProblemCode"/>: refusal, truncated, malformed_json,
/// schema_mismatch, unknown_label, missing_label, duplicate_label).
/// </summary>
public sealed record LabelAnswer(IReadOnlyDictionary<string, LabelVerdict> Verdicts, string? ProblemCode, string? Problem)
{
    public bool Ok => ProblemCode is null;

    public static LabelAnswer Fail(string code, string message) => new(new Dictionary<string, LabelVerdict>(), code, message);
}
