using System.Text.Json.Nodes;
using BatchEmbed.OpenAIEmulator.Storage;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary>The File and Batch objects as the OpenAPI contract defines them.</summary>
internal static class Payloads
{
    public static JsonObject File(EmulatedFile f) => WithoutNulls(new JsonObject
    {
        ["id"] = f.Id,
        ["object"] = "file",
        ["bytes"] = f.Bytes,
        ["created_at"] = f.CreatedAt,
        ["expires_at"] = f.ExpiresAt,
        ["filename"] = f.Filename,
        ["purpose"] = f.Purpose,
        ["status"] = "processed",
    });

    /// <summary>Fields the contract does not declare nullable are omitted when they have no value.</summary>
    private static JsonObject WithoutNulls(JsonObject o)
    {
        foreach (string key in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
        {
            o.Remove(key);
        }

        return o;
    }

    public static JsonObject Batch(EmulatedBatch b)
    {
        var o = new JsonObject
        {
            ["id"] = b.Id,
            ["object"] = "batch",
            ["endpoint"] = b.Endpoint,
            ["model"] = b.Model,
            ["errors"] = b.Errors.Count == 0 ? null : new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. b.Errors.Select(e => (JsonNode)new JsonObject { ["code"] = e.Code, ["message"] = e.Message, ["param"] = e.Param, ["line"] = e.Line })]),
            },
            ["input_file_id"] = b.InputFileId,
            ["completion_window"] = b.CompletionWindow,
            ["status"] = b.Status,
            ["output_file_id"] = b.OutputFileId,
            ["error_file_id"] = b.ErrorFileId,
            ["created_at"] = b.CreatedAt,
            ["in_progress_at"] = b.InProgressAt,
            ["expires_at"] = b.ExpiresAt ?? b.CreatedAt + 86_400,
            ["finalizing_at"] = b.FinalizingAt,
            ["completed_at"] = b.CompletedAt,
            ["failed_at"] = b.FailedAt,
            ["expired_at"] = b.ExpiredAt,
            ["cancelling_at"] = b.CancellingAt,
            ["cancelled_at"] = b.CancelledAt,
            ["request_counts"] = new JsonObject { ["total"] = b.Total, ["completed"] = b.Completed, ["failed"] = b.Failed },
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = b.InputTokens,
                ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                ["output_tokens"] = b.OutputTokens,
                ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                ["total_tokens"] = b.InputTokens + b.OutputTokens,
            },
            ["metadata"] = b.Metadata is null ? null : new JsonObject([.. b.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
        };
        return WithoutNulls(o);
    }
}
