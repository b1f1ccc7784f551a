using System.Text.Json;

namespace BatchEmbed.Domain.Labels;

/// <summary>
/// Reads a model's answer to a <see cref="LabelPrompt"/> against what was asked: it must have finished (not stopped on
/// <c>length</c>, not refused), be JSON, follow the schema, and judge every label asked about exactly once and no
/// other. Any break is a problem for the whole receipt, so nothing half-read is ever applied.
/// </summary>
public static class LabelAnswerParser
{
    public static LabelAnswer Parse(string? content, string? finishReason, string? refusal, IReadOnlyCollection<string> askedLocalIds, IReadOnlySet<string> allowedLabels)
    {
        ArgumentNullException.ThrowIfNull(askedLocalIds);
        ArgumentNullException.ThrowIfNull(allowedLabels);
        if (!string.IsNullOrEmpty(refusal))
        {
            return LabelAnswer.Fail("refusal", "the model refused: " + Clip(refusal));
        }

        if (finishReason == "length")
        {
            return LabelAnswer.Fail("truncated", "the answer stopped at max_completion_tokens (finish_reason length)");
        }

        if (finishReason is not (null or "stop"))
        {
            return LabelAnswer.Fail("schema_mismatch", $"the answer ended with finish_reason '{Clip(finishReason)}'");
        }

        if (string.IsNullOrWhiteSpace(content))
        {
            return LabelAnswer.Fail("malformed_json", "the answer is empty");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content);
        }
        catch (JsonException ex)
        {
            return LabelAnswer.Fail("malformed_json", "the answer is not JSON: " + Clip(ex.Message));
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("labels", out JsonElement labels) || labels.ValueKind != JsonValueKind.Array)
            {
                return LabelAnswer.Fail("schema_mismatch", "the answer has no \"labels\" array");
            }

            var asked = askedLocalIds.ToHashSet(StringComparer.Ordinal);
            var verdicts = new Dictionary<string, LabelVerdict>(StringComparer.Ordinal);
            foreach (JsonElement e in labels.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("id", out JsonElement idElement) || idElement.ValueKind != JsonValueKind.String)
                {
                    return LabelAnswer.Fail("schema_mismatch", "an entry of \"labels\" has no string \"id\"");
                }

                string id = idElement.GetString()!;
                if (!asked.Contains(id))
                {
                    return LabelAnswer.Fail("unknown_label", $"the answer names label '{Clip(id)}', which was not asked about");
                }

                if (verdicts.ContainsKey(id))
                {
                    return LabelAnswer.Fail("duplicate_label", $"the answer judges label '{id}' twice");
                }

                if (Entry(e, id, allowedLabels, out string? problem) is not { } verdict)
                {
                    return LabelAnswer.Fail("schema_mismatch", problem!);
                }

                verdicts[id] = verdict;
            }

            if (asked.FirstOrDefault(id => !verdicts.ContainsKey(id)) is { } missing)
            {
                return LabelAnswer.Fail("missing_label", $"the answer does not judge label '{missing}' ({asked.Count - verdicts.Count} of {asked.Count} missing)");
            }

            return new LabelAnswer(verdicts, null, null);
        }
    }

    private static LabelVerdict? Entry(JsonElement e, string id, IReadOnlySet<string> allowed, out string? problem)
    {
        problem = null;
        ValidationStatus? verdict = e.TryGetProperty("verdict", out JsonElement v) && v.ValueKind == JsonValueKind.String
            ? v.GetString() switch
            {
                "valid" => ValidationStatus.Valid,
                "invalid" => ValidationStatus.Invalid,
                "needs_review" => ValidationStatus.NeedsReview,
                _ => null,
            }
            : null;
        if (verdict is null)
        {
            problem = $"label '{id}': \"verdict\" must be valid, invalid or needs_review";
            return null;
        }

        string? suggested = null;
        if (e.TryGetProperty("suggested_label", out JsonElement s) && s.ValueKind != JsonValueKind.Null)
        {
            if (s.ValueKind != JsonValueKind.String || !allowed.Contains(s.GetString()!))
            {
                problem = $"label '{id}': \"suggested_label\" must be null or an allowed label";
                return null;
            }

            suggested = s.GetString();
        }

        if (!e.TryGetProperty("reason", out JsonElement r) || r.ValueKind != JsonValueKind.String)
        {
            problem = $"label '{id}': \"reason\" must be a string";
            return null;
        }

        // A suggestion beside a valid verdict, or one that repeats the label, suggests nothing.
        string current = id[(id.LastIndexOf('/') + 1)..];
        if (verdict == ValidationStatus.Valid || suggested == current)
        {
            suggested = null;
        }

        return new LabelVerdict(verdict.Value, suggested, Clip(r.GetString()!, 500));
    }

    private static string Clip(string s, int max = 200) => s.Length <= max ? s : s[..max] + "...";
}
