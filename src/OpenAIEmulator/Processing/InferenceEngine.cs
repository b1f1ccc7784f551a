using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>Produces embeddings and chat completion bodies, for batch lines and the synchronous endpoints alike.</summary>
internal static class InferenceEngine
{
    private static readonly JsonWriterOptions s_writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The model's encoding; for an unknown name (an Azure deployment, say) the endpoint's usual one: cl100k_base for
    /// embeddings, o200k_base for chat. Validation and responses both use this, so enqueued tokens and usage agree.
    /// </summary>
    public static Tokenizer TokenizerFor(string model, string endpoint) =>
        ModelEncodings.TryGetEncoding(model, out string? enc) ? Tokenizer.ForEncoding(enc)
        : endpoint == "/v1/chat/completions" ? Tokenizer.O200kBase : Tokenizer.Cl100kBase;

    /// <summary>The inputs of an embeddings request as texts (token arrays are embedded by their decoded text).</summary>
    public static List<string> EmbeddingInputs(JsonElement body, Tokenizer tokenizer)
    {
        var list = new List<string>();
        if (!body.TryGetProperty("input", out JsonElement input))
        {
            throw new ArgumentException("'input' is required");
        }

        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                list.Add(input.GetString()!);
                break;
            case JsonValueKind.Array when input.GetArrayLength() > 0 && input[0].ValueKind == JsonValueKind.Number:
                list.Add(tokenizer.Decode(input.EnumerateArray().Select(t => t.GetInt32()).ToArray()));
                break;
            case JsonValueKind.Array:
                foreach (JsonElement e in input.EnumerateArray())
                {
                    list.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : tokenizer.Decode(e.EnumerateArray().Select(t => t.GetInt32()).ToArray()));
                }

                break;
            default:
                throw new ArgumentException("'input' must be a string, an array of strings, or token arrays");
        }

        if (list.Count is 0 or > 2048)
        {
            throw new ArgumentException("'input' must hold 1 to 2048 items");
        }

        return list;
    }

    /// <summary>Writes an embeddings response body; returns the prompt tokens.</summary>
    public static long WriteEmbeddingsBody(Utf8JsonWriter w, JsonElement body)
    {
        string model = body.GetProperty("model").GetString()!;
        Tokenizer tok = TokenizerFor(model, "/v1/embeddings");
        List<string> inputs = EmbeddingInputs(body, tok);
        int dims = EmbeddingModels.DefaultDimensions(model) ?? 1536;
        if (body.TryGetProperty("dimensions", out JsonElement d) && d.ValueKind == JsonValueKind.Number)
        {
            int requested = d.GetInt32();
            if (requested < 1 || requested > dims)
            {
                throw new ArgumentException($"'dimensions' must be between 1 and {dims} for {model}");
            }

            dims = requested;
        }

        bool base64 = body.TryGetProperty("encoding_format", out JsonElement f) && f.GetString() == "base64";
        long tokens = 0;
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        for (int i = 0; i < inputs.Count; i++)
        {
            tokens += tok.CountTokens(inputs[i]);
            float[] v = DeterministicEmbedder.Embed(inputs[i], dims);
            w.WriteStartObject();
            w.WriteString("object", "embedding");
            w.WriteNumber("index", i);
            if (base64)
            {
                w.WriteBase64String("embedding", MemoryMarshal.AsBytes(v.AsSpan()));
            }
            else
            {
                w.WriteStartArray("embedding");
                foreach (float x in v)
                {
                    w.WriteNumberValue(x);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("model", model);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", tokens);
        w.WriteNumber("total_tokens", tokens);
        w.WriteEndObject();
        w.WriteEndObject();
        return tokens;
    }

    /// <summary>Prompt tokens of a chat request: 3 per message plus its content, plus 3 for the reply (OpenAI's accounting).</summary>
    public static long ChatPromptTokens(JsonElement messages, Tokenizer tok) =>
        3 + messages.EnumerateArray().Sum(x => 3 + tok.CountTokens(x.TryGetProperty("content", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty));

    /// <summary>Writes a chat completion body; returns (prompt, completion) tokens.</summary>
    /// <param name="key">What the answer is derived from besides the schema (<see cref="ChatAnswerRule"/>): the batch line's custom_id, or "" for a synchronous call.</param>
    public static (long Prompt, long Completion) WriteChatBody(Utf8JsonWriter w, JsonElement body, string id, long created, string key = "", ChatFault? fault = null)
    {
        string model = body.TryGetProperty("model", out JsonElement m) ? m.GetString() ?? "gpt-4o-mini" : throw new ArgumentException("'model' is required");
        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw new ArgumentException("'messages' must be a non-empty array");
        }

        Tokenizer tok = TokenizerFor(model, "/v1/chat/completions");
        ChatAnswer answer = ChatResponder.Respond(body, key, fault, tok.CountTokens);
        long prompt = ChatPromptTokens(messages, tok);
        long completion = tok.CountTokens(answer.Content ?? answer.Refusal ?? string.Empty);
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (answer.Content is null)
        {
            w.WriteNull("content");
        }
        else
        {
            w.WriteString("content", answer.Content);
        }

        if (answer.Refusal is null)
        {
            w.WriteNull("refusal");
        }
        else
        {
            w.WriteString("refusal", answer.Refusal);
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", answer.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", prompt + completion);
        w.WriteEndObject();
        w.WriteEndObject();
        return (prompt, completion);
    }

    public static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, s_writer))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) => new(buffer, s_writer);
}
