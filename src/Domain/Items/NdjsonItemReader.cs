using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BatchEmbed.Domain.Jsonl;

namespace BatchEmbed.Domain.Items;

/// <summary>
/// Streams items from NDJSON. Every line becomes an item, an empty-text skip or an error with its line number:
/// malformed JSON, invalid UTF-8, a missing or bad id, and a missing text are all reported, never dropped.
/// Blank lines are not items and are passed over.
/// </summary>
public static class NdjsonItemReader
{
    public static async IAsyncEnumerable<ItemLine> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Utf8LineReader(stream);
        while (true)
        {
            bool more;
            ItemLine? tooLong = null;
            try
            {
                more = await reader.ReadLineAsync(cancellationToken);
            }
            catch (LineTooLongException ex)
            {
                more = false;
                tooLong = new ItemLine(ItemLineKind.Error, ex.LineNumber, null, ex.Message + "; the rest of the input was not read");
            }

            if (tooLong is { } t)
            {
                yield return t;
            }

            if (!more)
            {
                yield break;
            }

            if (IsBlank(reader.Current.Span))
            {
                continue;
            }

            yield return ParseLine(reader.Current.Span, reader.LineNumber);
        }
    }

    public static ItemLine ParseLine(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            int bad = FirstInvalidUtf8(line);
            return Error(lineNumber, $"invalid UTF-8 at byte {bad} of the line");
        }

        try
        {
            return ParseJson(line, lineNumber);
        }
        catch (JsonException ex)
        {
            return Error(lineNumber, "malformed JSON: " + FirstSentence(ex.Message));
        }
    }

    private static ItemLine ParseJson(ReadOnlySpan<byte> line, long lineNumber)
    {
        var json = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            return Error(lineNumber, "expected a JSON object");
        }

        string? id = null;
        string? text = null;
        string? groupKey = null;
        string? metadata = null;
        bool hasText = false;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            string name = json.GetString()!;
            json.Read();
            switch (name)
            {
                case "id":
                    if (json.TokenType == JsonTokenType.String)
                    {
                        id = json.GetString();
                    }
                    else if (json.TokenType == JsonTokenType.Number)
                    {
                        id = Encoding.UTF8.GetString(json.ValueSpan);
                    }
                    else
                    {
                        return Error(lineNumber, "\"id\" must be a string or a number");
                    }

                    break;
                case "text":
                    if (json.TokenType == JsonTokenType.Null)
                    {
                        hasText = true;
                        text = string.Empty;
                        break;
                    }

                    if (json.TokenType != JsonTokenType.String)
                    {
                        return Error(lineNumber, "\"text\" must be a string");
                    }

                    hasText = true;
                    text = json.GetString();
                    break;
                case "groupKey":
                    if (json.TokenType is not (JsonTokenType.String or JsonTokenType.Null))
                    {
                        return Error(lineNumber, "\"groupKey\" must be a string");
                    }

                    groupKey = json.GetString();
                    break;
                case "metadata":
                    if (json.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (json.TokenType != JsonTokenType.StartObject)
                    {
                        return Error(lineNumber, "\"metadata\" must be a JSON object");
                    }

                    int start = (int)json.TokenStartIndex;
                    json.Skip();
                    metadata = Encoding.UTF8.GetString(line[start..(int)json.BytesConsumed]);
                    break;
                default:
                    json.Skip();
                    break;
            }
        }

        if (json.TokenType != JsonTokenType.EndObject || json.Read())
        {
            return Error(lineNumber, "expected one JSON object on the line");
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            return Error(lineNumber, "missing \"id\"");
        }

        if (Encoding.UTF8.GetByteCount(id) > CorpusItem.MaxIdBytes)
        {
            return Error(lineNumber, $"\"id\" is longer than {CorpusItem.MaxIdBytes} bytes of UTF-8");
        }

        if (id.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0)
        {
            return Error(lineNumber, "\"id\" contains control characters");
        }

        if (!hasText)
        {
            return Error(lineNumber, "missing \"text\"");
        }

        if (text!.Length > CorpusItem.MaxTextLength)
        {
            return Error(lineNumber, $"\"text\" has {text.Length:N0} characters; split it into items of at most {CorpusItem.MaxTextLength:N0}");
        }

        if (metadata?.Length > CorpusItem.MaxMetadataLength)
        {
            return Error(lineNumber, $"\"metadata\" is longer than {CorpusItem.MaxMetadataLength:N0} characters");
        }

        if (groupKey?.Length > CorpusItem.MaxGroupKeyLength)
        {
            return Error(lineNumber, $"\"groupKey\" is longer than {CorpusItem.MaxGroupKeyLength:N0} characters");
        }

        var item = new CorpusItem(id, text, groupKey, metadata);
        return string.IsNullOrWhiteSpace(text)
            ? new ItemLine(ItemLineKind.EmptyText, lineNumber, item, null)
            : new ItemLine(ItemLineKind.Item, lineNumber, item, null);
    }

    private static ItemLine Error(long lineNumber, string message) => new(ItemLineKind.Error, lineNumber, null, message);

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> line)
    {
        System.Buffers.OperationStatus status = System.Text.Unicode.Utf8.ToUtf16(line, new char[line.Length], out int read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? line.Length : read;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }
}
