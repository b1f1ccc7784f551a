using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>
/// Deterministic chat answers. A request with a <c>json_schema</c> response format gets valid JSON for the schema
/// (enums chosen by a hash of the prompt, so label verdicts vary but never change between runs); <c>json_object</c> gets
/// a small JSON object; anything else gets a short text that refers to the prompt.
/// </summary>
internal static class ChatResponder
{
    public static string Respond(JsonElement body)
    {
        string prompt = PromptText(body);
        ulong seed = DeterministicEmbedder.Fnv(prompt);
        if (body.TryGetProperty("response_format", out JsonElement format) && format.ValueKind == JsonValueKind.Object)
        {
            string type = format.TryGetProperty("type", out JsonElement t) ? t.GetString() ?? string.Empty : string.Empty;
            if (type == "json_schema" && format.TryGetProperty("json_schema", out JsonElement js) && js.TryGetProperty("schema", out JsonElement schema))
            {
                return Generate(schema, ref seed, "answer")!.ToJsonString();
            }

            if (type == "json_object")
            {
                return new JsonObject { ["answer"] = Summary(prompt), ["confidence"] = 0.5 + (seed % 50) / 100.0 }.ToJsonString();
            }
        }

        return "Emulated answer to: " + Summary(prompt);
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

    private static string Summary(string prompt)
    {
        string last = prompt.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? string.Empty;
        return last.Length > 80 ? last[..80] + "..." : last;
    }

    private static JsonNode? Generate(JsonElement schema, ref ulong seed, string name)
    {
        seed = seed * 6364136223846793005 + 1442695040888963407;
        if (schema.TryGetProperty("enum", out JsonElement values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            return JsonNode.Parse(values[(int)((seed >> 33) % (ulong)values.GetArrayLength())].GetRawText());
        }

        string type = schema.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()!
            : schema.TryGetProperty("properties", out _) ? "object" : "string";
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (schema.TryGetProperty("properties", out JsonElement props))
                {
                    foreach (JsonProperty p in props.EnumerateObject())
                    {
                        obj[p.Name] = Generate(p.Value, ref seed, p.Name);
                    }
                }

                return obj;
            case "array":
                var arr = new JsonArray();
                if (schema.TryGetProperty("items", out JsonElement items))
                {
                    arr.Add(Generate(items, ref seed, name));
                }

                return arr;
            case "integer":
                return JsonValue.Create((long)((seed >> 40) % 100));
            case "number":
                return JsonValue.Create(Math.Round(((seed >> 40) % 1000) / 1000.0, 3));
            case "boolean":
                return JsonValue.Create((seed >> 63) == 1);
            case "null":
                return null;
            default:
                return JsonValue.Create(string.Create(CultureInfo.InvariantCulture, $"{name} {(seed >> 48) % 1000}"));
        }
    }
}
