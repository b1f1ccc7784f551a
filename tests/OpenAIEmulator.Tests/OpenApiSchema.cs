using System.Text.Json;

namespace BatchEmbed.OpenAIEmulator.Tests;

/// <summary>
/// A small validator for the parts of JSON Schema the OpenAPI contract uses: type (and nullable), properties,
/// required, enum, items, anyOf/oneOf/allOf and local $ref. Reports every violation with its JSON path.
/// </summary>
internal sealed class OpenApiSchema
{
    private readonly JsonElement _schemas;

    private OpenApiSchema(JsonDocument doc)
    {
        _schemas = doc.RootElement.GetProperty("components").GetProperty("schemas");
    }

    public static OpenApiSchema Load() =>
        new(JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Contract", "openapi.subset.json"))));

    public List<string> Validate(string schemaName, JsonElement value)
    {
        var errors = new List<string>();
        Check(_schemas.GetProperty(schemaName), value, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out JsonElement r))
        {
            Check(_schemas.GetProperty(r.GetString()!.Split('/')[^1]), value, path, errors);
            return;
        }

        foreach (string combinator in new[] { "anyOf", "oneOf" })
        {
            if (schema.TryGetProperty(combinator, out JsonElement options))
            {
                if (!options.EnumerateArray().Any(o => { var e = new List<string>(); Check(o, value, path, e); return e.Count == 0; }))
                {
                    errors.Add($"{path}: matches none of the {combinator} alternatives");
                }

                return;
            }
        }

        if (schema.TryGetProperty("allOf", out JsonElement all))
        {
            foreach (JsonElement s in all.EnumerateArray())
            {
                Check(s, value, path, errors);
            }
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            bool nullable = (schema.TryGetProperty("nullable", out JsonElement n) && n.GetBoolean())
                || (schema.TryGetProperty("type", out JsonElement nt) && nt.ValueKind == JsonValueKind.String && nt.GetString() == "null");
            if (!nullable)
            {
                errors.Add($"{path}: null is not allowed");
            }

            return;
        }

        if (schema.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && !TypeMatches(type.GetString()!, value))
        {
            errors.Add($"{path}: expected {type.GetString()}, found {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out JsonElement values) && !values.EnumerateArray().Any(v => v.GetRawText() == value.GetRawText()))
        {
            errors.Add($"{path}: {value.GetRawText()} is not one of the allowed values");
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out JsonElement required))
            {
                foreach (JsonElement req in required.EnumerateArray())
                {
                    if (!value.TryGetProperty(req.GetString()!, out _))
                    {
                        errors.Add($"{path}: missing required property '{req.GetString()}'");
                    }
                }
            }

            if (schema.TryGetProperty("properties", out JsonElement props))
            {
                foreach (JsonProperty p in props.EnumerateObject())
                {
                    if (value.TryGetProperty(p.Name, out JsonElement child))
                    {
                        Check(p.Value, child, $"{path}.{p.Name}", errors);
                    }
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out JsonElement items))
        {
            int i = 0;
            foreach (JsonElement child in value.EnumerateArray())
            {
                Check(items, child, $"{path}[{i++}]", errors);
            }
        }
    }

    private static bool TypeMatches(string type, JsonElement v) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        "number" => v.ValueKind == JsonValueKind.Number,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => true,
    };
}
