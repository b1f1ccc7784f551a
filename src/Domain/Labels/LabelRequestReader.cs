using System.Runtime.CompilerServices;
using System.Text.Json;
using BatchEmbed.Domain.Jsonl;

namespace BatchEmbed.Domain.Labels;

/// <summary>One validation request of a batch file: its custom id and the labels it asks about (local ids).</summary>
public sealed record LabelRequest(string CustomId, IReadOnlyList<string> LocalIds);

/// <summary>
/// Reads back, from a completion batch's input file, which labels each request asks about: the ids its answer schema
/// allows (<see cref="LabelPrompt"/>). The file is the record of what was sent, so claims and ingest agree with it.
/// </summary>
public static class LabelRequestReader
{
    public static async IAsyncEnumerable<LabelRequest> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Utf8LineReader(stream);
        while (await reader.ReadLineAsync(cancellationToken))
        {
            if (reader.Current.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            using JsonDocument doc = JsonDocument.Parse(reader.Current);
            JsonElement root = doc.RootElement;
            string customId = root.GetProperty("custom_id").GetString()
                ?? throw new InvalidDataException($"Line {reader.LineNumber} of the batch file has no custom_id.");
            if (!root.TryGetProperty("body", out JsonElement body)
                || !body.TryGetProperty("response_format", out JsonElement format)
                || !format.TryGetProperty("json_schema", out JsonElement js)
                || !js.TryGetProperty("schema", out JsonElement schema)
                || !schema.TryGetProperty("properties", out JsonElement props)
                || !props.TryGetProperty("labels", out JsonElement labels)
                || !labels.TryGetProperty("items", out JsonElement items)
                || !items.TryGetProperty("properties", out JsonElement itemProps)
                || !itemProps.TryGetProperty("id", out JsonElement id)
                || !id.TryGetProperty("enum", out JsonElement ids))
            {
                throw new InvalidDataException($"Line {reader.LineNumber} of the batch file ('{customId}') is not a label validation request.");
            }

            yield return new LabelRequest(customId, [.. ids.EnumerateArray().Select(e => e.GetString()!)]);
        }
    }
}
