using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BatchEmbed.Domain.Planning;

/// <summary>
/// Writes one Batch API request line into a reused buffer. Non-ASCII text stays UTF-8 (not \u-escaped), which keeps
/// files small; control characters, quotes and backslashes are escaped, so a line never contains a raw newline.
/// </summary>
internal sealed class RequestLineWriter : IDisposable
{
    private static readonly JsonWriterOptions s_options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public RequestLineWriter()
    {
        _json = new Utf8JsonWriter(_buffer, s_options);
    }

    public void Dispose() => _json.Dispose();

    public ReadOnlyMemory<byte> Embedding(string customId, string model, string input, int? dimensions, string? encodingFormat)
    {
        Begin(customId, BatchEndpoints.Embeddings);
        _json.WriteString("model", model);
        _json.WriteString("input", input);
        if (dimensions is { } d)
        {
            _json.WriteNumber("dimensions", d);
        }

        if (encodingFormat is not null)
        {
            _json.WriteString("encoding_format", encodingFormat);
        }

        return End();
    }

    public ReadOnlyMemory<byte> Chat(string customId, string model, ChatRequest request)
    {
        Begin(customId, BatchEndpoints.ChatCompletions);
        _json.WriteString("model", model);
        _json.WriteStartArray("messages");
        foreach (ChatMessage message in request.Messages)
        {
            _json.WriteStartObject();
            _json.WriteString("role", message.Role);
            _json.WriteString("content", message.Content);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        if (request.ResponseFormatJson is not null)
        {
            _json.WritePropertyName("response_format");
            _json.WriteRawValue(request.ResponseFormatJson);
        }

        if (request.MaxCompletionTokens is { } max)
        {
            _json.WriteNumber("max_completion_tokens", max);
        }

        if (request.Temperature is { } t)
        {
            _json.WriteNumber("temperature", t);
        }

        return End();
    }

    private void Begin(string customId, string url)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("custom_id", customId);
        _json.WriteString("method", "POST");
        _json.WriteString("url", url);
        _json.WriteStartObject("body");
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }
}
