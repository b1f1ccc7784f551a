using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace BatchEmbed.Domain.Results;

/// <summary>Parses one result line with <see cref="Utf8JsonReader"/>: no DOM, vectors decoded straight into float arrays.</summary>
internal static class BatchResultParser
{
    public static BatchResultLine Parse(ReadOnlySpan<byte> line, long lineNumber)
    {
        var r = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
        var state = new State();
        try
        {
            Expect(ref r, JsonTokenType.StartObject);
            while (NextProperty(ref r, out string? name))
            {
                switch (name)
                {
                    case "custom_id":
                        state.CustomId = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                        break;
                    case "response":
                        if (r.TokenType == JsonTokenType.StartObject)
                        {
                            ReadResponse(ref r, ref state);
                        }
                        else
                        {
                            r.Skip();
                        }

                        break;
                    case "error":
                        if (r.TokenType == JsonTokenType.StartObject)
                        {
                            ReadError(ref r, ref state);
                            state.HasError = true;
                        }
                        else
                        {
                            r.Skip();
                        }

                        break;
                    default:
                        r.Skip();
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            return Malformed(lineNumber, state.CustomId, "malformed result line: " + ex.Message);
        }

        if (state.CustomId is null)
        {
            return Malformed(lineNumber, null, "result line has no custom_id");
        }

        bool ok = !state.HasError && state.StatusCode == 200;
        if (!ok && !state.HasError && state.StatusCode is null)
        {
            return Malformed(lineNumber, state.CustomId, "result line has neither a response nor an error");
        }

        return new BatchResultLine(
            lineNumber,
            ok ? ResultLineKind.Success : ResultLineKind.Error,
            state.CustomId,
            state.StatusCode,
            (IReadOnlyList<float[]>?)state.Embeddings ?? [],
            state.Content,
            ok ? null : state.ErrorCode ?? (state.StatusCode is { } s ? $"http_{s}" : "error"),
            ok ? null : state.ErrorMessage ?? "no message",
            state.PromptTokens,
            state.CompletionTokens,
            state.FinishReason,
            state.Refusal);
    }

    private static BatchResultLine Malformed(long lineNumber, string? customId, string message) =>
        new(lineNumber, ResultLineKind.Malformed, customId, null, [], null, "malformed", message, 0, 0);

    private static void ReadResponse(ref Utf8JsonReader r, ref State state)
    {
        while (NextProperty(ref r, out string? name))
        {
            if (name == "status_code" && r.TokenType == JsonTokenType.Number)
            {
                state.StatusCode = r.GetInt32();
            }
            else if (name == "body" && r.TokenType == JsonTokenType.StartObject)
            {
                ReadBody(ref r, ref state);
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadBody(ref Utf8JsonReader r, ref State state)
    {
        while (NextProperty(ref r, out string? name))
        {
            switch (name)
            {
                case "data" when r.TokenType == JsonTokenType.StartArray:
                    ReadData(ref r, ref state);
                    break;
                case "choices" when r.TokenType == JsonTokenType.StartArray:
                    ReadChoices(ref r, ref state);
                    break;
                case "usage" when r.TokenType == JsonTokenType.StartObject:
                    ReadUsage(ref r, ref state);
                    break;
                case "error" when r.TokenType == JsonTokenType.StartObject:
                    ReadError(ref r, ref state);
                    break;
                default:
                    r.Skip();
                    break;
            }
        }
    }

    private static void ReadData(ref Utf8JsonReader r, ref State state)
    {
        state.Embeddings = [];
        var indexed = new List<(int Index, float[] Vector)>(1);
        while (r.Read() && r.TokenType == JsonTokenType.StartObject)
        {
            int index = indexed.Count;
            float[]? vector = null;
            while (NextProperty(ref r, out string? name))
            {
                if (name == "index" && r.TokenType == JsonTokenType.Number)
                {
                    index = r.GetInt32();
                }
                else if (name == "embedding")
                {
                    vector = r.TokenType == JsonTokenType.String ? DecodeBase64(ref r) : ReadFloatArray(ref r);
                }
                else
                {
                    r.Skip();
                }
            }

            indexed.Add((index, vector ?? throw new FormatException("an embedding item has no 'embedding'")));
        }

        indexed.Sort((a, b) => a.Index.CompareTo(b.Index));
        foreach ((_, float[] v) in indexed)
        {
            state.Embeddings.Add(v);
        }
    }

    private static float[] ReadFloatArray(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("'embedding' must be an array of numbers or a base64 string");
        }

        float[] buffer = ArrayPool<float>.Shared.Rent(4096);
        int count = 0;
        try
        {
            while (r.Read() && r.TokenType == JsonTokenType.Number)
            {
                if (count == buffer.Length)
                {
                    float[] bigger = ArrayPool<float>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<float>.Shared.Return(buffer);
                    buffer = bigger;
                }

                buffer[count++] = r.GetSingle();
            }

            if (r.TokenType != JsonTokenType.EndArray)
            {
                throw new FormatException("'embedding' array holds a value that is not a number");
            }

            return buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    // Little-endian float32s, base64-encoded: what encoding_format=base64 returns.
    private static float[] DecodeBase64(ref Utf8JsonReader r)
    {
        byte[] raw = r.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(r.GetString()!) : r.ValueSpan.ToArray();
        int maxBytes = Base64.GetMaxDecodedFromUtf8Length(raw.Length);
        var bytes = new byte[maxBytes];
        if (Base64.DecodeFromUtf8(raw, bytes, out _, out int written) != OperationStatus.Done)
        {
            throw new FormatException("'embedding' is not valid base64");
        }

        if (written % 4 != 0)
        {
            throw new FormatException($"base64 embedding decodes to {written} bytes, not a whole number of float32s");
        }

        float[] vector = new float[written / 4];
        ReadOnlySpan<byte> src = bytes.AsSpan(0, written);
        if (BitConverter.IsLittleEndian)
        {
            src.CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
            }
        }

        return vector;
    }

    private static void ReadChoices(ref Utf8JsonReader r, ref State state)
    {
        while (r.Read() && r.TokenType == JsonTokenType.StartObject)
        {
            while (NextProperty(ref r, out string? name))
            {
                if (name == "message" && r.TokenType == JsonTokenType.StartObject && !state.SeenMessage)
                {
                    state.SeenMessage = true;
                    while (NextProperty(ref r, out string? field))
                    {
                        if (field == "content" && r.TokenType == JsonTokenType.String)
                        {
                            state.Content = r.GetString();
                        }
                        else if (field == "refusal" && r.TokenType == JsonTokenType.String)
                        {
                            state.Refusal = r.GetString();
                        }
                        else
                        {
                            r.Skip();
                        }
                    }
                }
                else if (name == "finish_reason" && r.TokenType == JsonTokenType.String && state.FinishReason is null)
                {
                    state.FinishReason = r.GetString();
                }
                else
                {
                    r.Skip();
                }
            }
        }
    }

    private static void ReadUsage(ref Utf8JsonReader r, ref State state)
    {
        while (NextProperty(ref r, out string? name))
        {
            if (r.TokenType == JsonTokenType.Number && name is "prompt_tokens" or "input_tokens")
            {
                state.PromptTokens = r.GetInt64();
            }
            else if (r.TokenType == JsonTokenType.Number && name is "completion_tokens" or "output_tokens")
            {
                state.CompletionTokens = r.GetInt64();
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadError(ref Utf8JsonReader r, ref State state)
    {
        while (NextProperty(ref r, out string? name))
        {
            if (name == "code" && r.TokenType == JsonTokenType.String)
            {
                state.ErrorCode = r.GetString();
            }
            else if (name == "message" && r.TokenType == JsonTokenType.String)
            {
                state.ErrorMessage = r.GetString();
            }
            else
            {
                r.Skip();
            }
        }
    }

    /// <summary>Moves to the next property's value; false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader r, out string? name)
    {
        if (!r.Read())
        {
            throw new JsonException("unexpected end of line");
        }

        if (r.TokenType == JsonTokenType.EndObject)
        {
            name = null;
            return false;
        }

        if (r.TokenType != JsonTokenType.PropertyName)
        {
            throw new JsonException($"expected a property name, found {r.TokenType}");
        }

        name = r.GetString();
        if (!r.Read())
        {
            throw new JsonException("unexpected end of line");
        }

        return true;
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (!r.Read() || r.TokenType != type)
        {
            throw new JsonException($"expected {type}");
        }
    }

    private struct State
    {
        public string? CustomId;
        public int? StatusCode;
        public bool HasError;
        public string? ErrorCode;
        public string? ErrorMessage;
        public List<float[]>? Embeddings;
        public string? Content;
        public bool SeenMessage;
        public string? Refusal;
        public string? FinishReason;
        public long PromptTokens;
        public long CompletionTokens;
    }
}
