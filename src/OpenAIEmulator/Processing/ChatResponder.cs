using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>One chat answer: content (null for a refusal), the refusal, and why it ended.</summary>
internal sealed record ChatAnswer(string? Content, string? Refusal, string FinishReason);

/// <summary>
/// Deterministic chat answers. A request with a <c>json_schema</c> response format gets JSON valid for the schema
/// under the rule in <see cref="ChatAnswerRule"/>; <c>json_object</c> gets a small JSON object; anything else a short
/// text that refers to the prompt. An answer longer than the request's <c>max_completion_tokens</c> is cut there and
/// ends with <c>length</c>, as OpenAI's does. A <see cref="ChatFault"/> spoils the answer on purpose.
/// </summary>
internal static class ChatResponder
{
    public const string RefusalText = "I'm sorry, but I can't help with that request.";

    public static ChatAnswer Respond(JsonElement body, string key, ChatFault? fault, Func<string, int> countTokens)
    {
        if (fault == ChatFault.Refusal)
        {
            return new ChatAnswer(null, RefusalText, "stop");
        }

        string prompt = PromptText(body);
        string content = Content(body, prompt, key, fault == ChatFault.UnknownId);
        if (fault == ChatFault.Malformed)
        {
            return new ChatAnswer(content[..Math.Max(1, content.Length * 2 / 3)], null, "stop");
        }

        if (fault == ChatFault.Truncated)
        {
            return new ChatAnswer(content[..Math.Max(1, content.Length / 2)], null, "length");
        }

        int? max = MaxTokens(body);
        if (max is { } limit && countTokens(content) > limit)
        {
            int keep = content.Length;
            while (keep > 0 && countTokens(content[..keep]) > limit)
            {
                keep = keep * 9 / 10;
            }

            return new ChatAnswer(content[..keep], null, "length");
        }

        return new ChatAnswer(content, null, "stop");
    }

    public static string PromptText(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        foreach (JsonElement m in messages.EnumerateArray())
        {
            if (m.TryGetProperty("content", out JsonElement c))
            {
                parts.Add(c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText());
            }
        }

        return string.Join("\n", parts);
    }

    private static string Content(JsonElement body, string prompt, string key, bool unknownId)
    {
        if (body.TryGetProperty("response_format", out JsonElement format) && format.ValueKind == JsonValueKind.Object)
        {
            string type = format.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? string.Empty : string.Empty;
            if (type == "json_schema" && format.TryGetProperty("json_schema", out JsonElement js) && js.TryGetProperty("schema", out JsonElement schema))
            {
                var generator = new Generator(string.IsNullOrEmpty(key) ? prompt : key, unknownId);
                return generator.Generate(schema, "answer", null)!.ToJsonString();
            }

            if (type == "json_object")
            {
                return new JsonObject { ["answer"] = Summary(prompt), ["confidence"] = 0.5 + (DeterministicEmbedder.Fnv(prompt) % 50) / 100.0 }.ToJsonString();
            }
        }

        return "Emulated answer to: " + Summary(prompt);
    }

    private static int? MaxTokens(JsonElement body) =>
        (body.TryGetProperty("max_completion_tokens", out JsonElement m) || body.TryGetProperty("max_tokens", out m)) && m.ValueKind == JsonValueKind.Number && m.TryGetInt32(out int n) && n > 0 ? n : null;

    private static string Summary(string prompt)
    {
        string last = prompt.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        return last.Length > 80 ? last[..80] + "..." : last;
    }

    /// <summary>Walks a schema and answers it under <see cref="ChatAnswerRule"/>.</summary>
    private sealed class Generator(string key, bool unknownId)
    {
        private bool _spoiled;

        public JsonNode? Generate(JsonElement schema, string name, string? path)
        {
            string at = path is null ? name : path + "|" + name;
            if (schema.TryGetProperty("enum", out JsonElement values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
            {
                return JsonNode.Parse(values[ChatAnswerRule.Pick(key, at, values.GetArrayLength())].GetRawText());
            }

            string type = TypeOf(schema);
            switch (type)
            {
                case "object":
                    var obj = new JsonObject();
                    if (schema.TryGetProperty("properties", out JsonElement props))
                    {
                        foreach (JsonProperty p in props.EnumerateObject())
                        {
                            obj[p.Name] = Generate(p.Value, p.Name, path);
                        }
                    }

                    return obj;
                case "array":
                    var arr = new JsonArray();
                    if (schema.TryGetProperty("items", out JsonElement items))
                    {
                        if (IdEnum(items) is { } ids)
                        {
                            // One element per id the schema allows, each answered under its own id.
                            JsonElement rest = WithoutId(items);
                            foreach (JsonElement id in ids.EnumerateArray())
                            {
                                string value = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
                                var element = (JsonObject)Generate(rest, name, value)!;
                                element.Insert(0, "id", JsonNode.Parse(Spoil(id.GetRawText())));
                                arr.Add(element);
                            }
                        }
                        else
                        {
                            arr.Add(Generate(items, name, path));
                        }
                    }

                    return arr;
                case "integer":
                    return JsonValue.Create((long)(ChatAnswerRule.Hash(key, at) % 100));
                case "number":
                    return JsonValue.Create(Math.Round((ChatAnswerRule.Hash(key, at) % 1000) / 1000.0, 3));
                case "boolean":
                    return JsonValue.Create(ChatAnswerRule.Hash(key, at) % 2 == 1);
                case "null":
                    return null;
                default:
                    return JsonValue.Create(string.Create(CultureInfo.InvariantCulture, $"{name} {ChatAnswerRule.Hash(key, at) % 1000}"));
            }
        }

        private string Spoil(string rawId)
        {
            if (!unknownId || _spoiled)
            {
                return rawId;
            }

            _spoiled = true;
            return JsonSerializer.Serialize("unknown-" + JsonSerializer.Deserialize<JsonElement>(rawId).ToString());
        }

        private static JsonElement? IdEnum(JsonElement items) =>
            items.TryGetProperty("properties", out JsonElement p) && p.TryGetProperty("id", out JsonElement id)
                && id.TryGetProperty("enum", out JsonElement e) && e.ValueKind == JsonValueKind.Array ? e : null;

        private static JsonElement WithoutId(JsonElement items)
        {
            var node = JsonNode.Parse(items.GetRawText())!.AsObject();
            node["properties"]!.AsObject().Remove("id");
            return JsonSerializer.Deserialize<JsonElement>(node.ToJsonString());
        }

        private static string TypeOf(JsonElement schema)
        {
            if (schema.TryGetProperty("type", out JsonElement t))
            {
                if (t.ValueKind == JsonValueKind.String)
                {
                    return t.GetString()!;
                }

                if (t.ValueKind == JsonValueKind.Array)
                {
                    return t.EnumerateArray().Select(x => x.GetString()).FirstOrDefault(x => x is not null and not "null") ?? "null";
                }
            }

            return schema.TryGetProperty("properties", out _) ? "object" : "string";
        }
    }
}
