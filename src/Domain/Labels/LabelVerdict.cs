using System.Text.Json;
using System.Text.Json.Serialization;

namespace BatchEmbed.Domain.Labels;

/// <summary>A model's judgement of one label; stored as the label item's outcome JSON.</summary>
/// <param name="SuggestedLabel">A better label from the allowed set, kept only when the verdict is not valid.</param>
public sealed record LabelVerdict(ValidationStatus Verdict, string? SuggestedLabel, string Reason)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The verdict an outcome column holds, or null for none (or one this version cannot read).</summary>
    public static LabelVerdict? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LabelVerdict>(json, s_json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
