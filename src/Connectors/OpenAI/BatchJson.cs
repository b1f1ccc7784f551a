using System.Text.Json;
using BatchEmbed.Connectors.Batches;

namespace BatchEmbed.Connectors.OpenAI;

/// <summary>Reads a Batch object from raw JSON (status, counts and errors are internal in the SDK's BatchJob).</summary>
internal static class BatchJson
{
    public static ProviderBatch Parse(JsonElement b)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (b.TryGetProperty("metadata", out JsonElement m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in m.EnumerateObject())
            {
                metadata[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
        }

        var errors = new List<ProviderBatchError>();
        if (b.TryGetProperty("errors", out JsonElement e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement x in data.EnumerateArray())
            {
                errors.Add(new ProviderBatchError(Str(x, "code") ?? "error", Str(x, "message") ?? string.Empty, x.TryGetProperty("line", out JsonElement l) && l.ValueKind == JsonValueKind.Number ? l.GetInt32() : null));
            }
        }

        JsonElement counts = b.TryGetProperty("request_counts", out JsonElement rc) && rc.ValueKind == JsonValueKind.Object ? rc : default;
        JsonElement usage = b.TryGetProperty("usage", out JsonElement u) && u.ValueKind == JsonValueKind.Object ? u : default;
        return new ProviderBatch(
            Str(b, "id") ?? throw new JsonException("batch has no id"),
            Str(b, "status") ?? "unknown",
            Str(b, "endpoint") ?? string.Empty,
            Str(b, "input_file_id") ?? string.Empty,
            NullIfEmpty(Str(b, "output_file_id")),
            NullIfEmpty(Str(b, "error_file_id")),
            Int(counts, "total"),
            Int(counts, "completed"),
            Int(counts, "failed"),
            Long(usage, "input_tokens"),
            Long(usage, "output_tokens"),
            metadata,
            errors,
            DateTimeOffset.FromUnixTimeSeconds(b.TryGetProperty("created_at", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : 0));
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // Azure returns "" for file ids that do not exist yet.
    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static int Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    private static long? Long(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
