using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchEmbed.Domain.Items;

/// <summary>Writes items as NDJSON lines in the import format.</summary>
public static class CorpusItemJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteLine(IBufferWriter<byte> output, CorpusItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        using (var json = new Utf8JsonWriter(output, s_options))
        {
            json.WriteStartObject();
            json.WriteString("id", item.Id);
            json.WriteString("text", item.Text);
            if (item.GroupKey is not null)
            {
                json.WriteString("groupKey", item.GroupKey);
            }

            if (item.MetadataJson is not null)
            {
                json.WritePropertyName("metadata");
                json.WriteRawValue(item.MetadataJson);
            }

            json.WriteEndObject();
        }

        output.Write("\n"u8);
    }
}
