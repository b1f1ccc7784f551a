using System.Text.Json;
using BatchEmbed.Domain.Jsonl;
using BatchEmbed.OpenAIEmulator.Storage;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>
/// Validates a batch input file as the real service does before running it. Any error fails the whole batch, with
/// <c>errors.data[]</c> entries carrying code, message and line (at most 100 are reported).
/// </summary>
internal static class BatchValidator
{
    private const int MaxReported = 100;

    public sealed record Result(List<BatchErrorItem> Errors, int Total, string? Model, long Tokens);

    public static async Task<Result> ValidateAsync(string path, string endpoint, EmulatorOptions options, CancellationToken ct)
    {
        var errors = new List<BatchErrorItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? model = null;
        int total = 0;
        long inputs = 0;
        long tokens = 0;
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var reader = new Utf8LineReader(stream);
        while (await reader.ReadLineAsync(ct))
        {
            if (reader.HadByteOrderMark && reader.LineNumber == 1)
            {
                Add(errors, "invalid_json_line", "The file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without BOM.", null, 1);
                break;
            }

            if (reader.Current.IsEmpty)
            {
                continue;
            }

            int line = (int)reader.LineNumber;
            total++;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(reader.Current);
                JsonElement root = doc.RootElement;
                string? customId = root.TryGetProperty("custom_id", out JsonElement cid) && cid.ValueKind == JsonValueKind.String ? cid.GetString() : null;
                if (string.IsNullOrEmpty(customId))
                {
                    Add(errors, "missing_required_parameter", "Each line needs a string custom_id.", "custom_id", line);
                    continue;
                }

                if (!ids.Add(customId))
                {
                    Add(errors, "duplicate_custom_id", $"The custom_id '{customId}' appears more than once in this batch.", "custom_id", line);
                }

                if (!root.TryGetProperty("method", out JsonElement method) || method.GetString() != "POST")
                {
                    Add(errors, "invalid_request", "Only the POST method is supported.", "method", line);
                }

                string? url = root.TryGetProperty("url", out JsonElement u) ? u.GetString() : null;
                if (!string.Equals(url, endpoint, StringComparison.Ordinal))
                {
                    Add(errors, "url_mismatch", $"The url '{url}' does not match the batch endpoint '{endpoint}'.", "url", line);
                }

                if (!root.TryGetProperty("body", out JsonElement body) || body.ValueKind != JsonValueKind.Object
                    || !body.TryGetProperty("model", out JsonElement m) || m.ValueKind != JsonValueKind.String)
                {
                    Add(errors, "missing_required_parameter", "Each line needs a body with a model.", "body.model", line);
                    continue;
                }

                string lineModel = m.GetString()!;
                model ??= lineModel;
                if (!string.Equals(model, lineModel, StringComparison.Ordinal))
                {
                    Add(errors, "model_mismatch", $"All lines must use one model: '{lineModel}' differs from '{model}'.", "body.model", line);
                }

                if (endpoint == "/v1/embeddings")
                {
                    var tok = InferenceEngine.TokenizerFor(lineModel, endpoint);
                    List<string> texts = InferenceEngine.EmbeddingInputs(body, tok);
                    inputs += texts.Count;
                    foreach (string text in texts)
                    {
                        int n = tok.CountTokens(text);
                        tokens += n;
                        if (n > options.MaxInputTokens)
                        {
                            Add(errors, "invalid_request", $"An input has {n} tokens; the maximum is {options.MaxInputTokens}.", "body.input", line);
                        }
                    }
                }
                else
                {
                    if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
                    {
                        Add(errors, "missing_required_parameter", "Each chat request needs a non-empty messages array.", "body.messages", line);
                        continue;
                    }

                    tokens += InferenceEngine.ChatPromptTokens(messages, InferenceEngine.TokenizerFor(lineModel, endpoint));
                }
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                Add(errors, "invalid_json_line", $"Line {line} is not a valid request: {ex.Message}", null, line);
            }
        }

        if (total == 0 && errors.Count == 0)
        {
            Add(errors, "empty_file", "The input file has no requests.", null, null);
        }

        if (total > options.MaxRequestsPerBatch)
        {
            Add(errors, "too_many_tasks", $"The batch has {total} requests; the maximum is {options.MaxRequestsPerBatch}.", null, null);
        }

        if (endpoint == "/v1/embeddings" && inputs > options.MaxEmbeddingInputsPerBatch)
        {
            Add(errors, "too_many_tasks", $"The batch has {inputs} embedding inputs; the maximum is {options.MaxEmbeddingInputsPerBatch}.", null, null);
        }

        return new Result(errors, total, model, tokens);
    }

    private static void Add(List<BatchErrorItem> errors, string code, string message, string? param, int? line)
    {
        if (errors.Count < MaxReported)
        {
            errors.Add(new BatchErrorItem(code, message, param, line));
        }
    }
}
