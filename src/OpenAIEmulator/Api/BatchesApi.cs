using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.OpenAIEmulator.Processing;
using BatchEmbed.OpenAIEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary><c>/batches</c>: create (with create-time faults and limits), get, list (<c>after</c>, <c>limit</c>), cancel.</summary>
internal static class BatchesApi
{
    private static readonly string[] s_knownEndpoints =
        ["/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions", "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/batches", CreateAsync);
        api.MapGet("/batches/{batchId}", (string batchId, EmulatorStore store) =>
            store.GetBatch(batchId) is { } b ? Results.Json(Payloads.Batch(b)) : OpenAIErrors.NotFound("batch", batchId));
        api.MapGet("/batches", (EmulatorStore store, string? after, int? limit) =>
        {
            if (limit is < 1 or > 100)
            {
                return OpenAIErrors.Error(400, "limit must be between 1 and 100.", param: "limit");
            }

            List<EmulatedBatch> all = store.Batches();
            IEnumerable<EmulatedBatch> rest = after is null ? all : all.SkipWhile(b => b.Id != after).Skip(1);
            List<EmulatedBatch> remaining = [.. rest];
            List<EmulatedBatch> page = [.. remaining.Take(limit ?? 20)];
            var list = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. page.Select(b => (JsonNode)Payloads.Batch(b))]),
                ["has_more"] = remaining.Count > page.Count,
            };
            if (page.Count > 0)
            {
                list["first_id"] = page[0].Id;
                list["last_id"] = page[^1].Id;
            }

            return Results.Json(list);
        });
        api.MapPost("/batches/{batchId}/cancel", (string batchId, EmulatorStore store) =>
        {
            if (store.GetBatch(batchId) is not { } b)
            {
                return OpenAIErrors.NotFound("batch", batchId);
            }

            if (b.Status is "validating" or "in_progress" or "finalizing")
            {
                b.CancellingAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                BatchProcessor.SetStatus(b, "cancelling");
                store.SaveBatch(b);
            }
            else if (b.Status != "cancelling")
            {
                return OpenAIErrors.Error(409, $"Cannot cancel a batch with status '{b.Status}'.", code: "invalid_state");
            }

            return Results.Json(Payloads.Batch(b));
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, EmulatorStore store, EmulatorOptions options)
    {
        EmulatorFaults faults = options.Faults;
        if (faults.CreateFailures.TryDequeue(out int status))
        {
            http.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return status == 429
                ? OpenAIErrors.Error(429, "Rate limit reached for batch creation (emulator fault).", "rate_limit_error", "rate_limit_exceeded")
                : OpenAIErrors.Error(status, "The server had an error while processing your request (emulator fault).", "server_error", "server_error");
        }

        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return OpenAIErrors.Error(400, "The body is not valid JSON: " + ex.Message);
        }

        string? inputFileId = Str(body, "input_file_id");
        string? endpoint = Str(body, "endpoint");
        string? window = Str(body, "completion_window");
        if (inputFileId is null || endpoint is null || window is null)
        {
            return OpenAIErrors.Error(400, "input_file_id, endpoint and completion_window are required.", param: inputFileId is null ? "input_file_id" : endpoint is null ? "endpoint" : "completion_window");
        }

        // Azure's documented create call sends "/chat/completions"; lines keep /v1/... urls.
        if (!endpoint.StartsWith("/v1/", StringComparison.Ordinal))
        {
            endpoint = "/v1" + endpoint;
        }

        if (!s_knownEndpoints.Contains(endpoint))
        {
            return OpenAIErrors.Error(400, $"Invalid endpoint '{endpoint}'.", param: "endpoint", code: "invalid_value");
        }

        if (endpoint is not ("/v1/embeddings" or "/v1/chat/completions"))
        {
            return OpenAIErrors.Error(400, $"The emulator does not run batches for '{endpoint}'; it supports /v1/embeddings and /v1/chat/completions.", param: "endpoint", code: "unsupported_endpoint");
        }

        if (window != "24h")
        {
            return OpenAIErrors.Error(400, "completion_window must be '24h'.", param: "completion_window");
        }

        if (store.GetFile(inputFileId) is null)
        {
            return OpenAIErrors.NotFound("file", inputFileId);
        }

        Dictionary<string, string>? metadata = null;
        if (body.TryGetProperty("metadata", out JsonElement meta) && meta.ValueKind == JsonValueKind.Object)
        {
            metadata = meta.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
            if (metadata.Count > 16 || metadata.Any(kv => kv.Key.Length > 64 || kv.Value.Length > 512))
            {
                return OpenAIErrors.Error(400, "metadata holds at most 16 pairs, keys up to 64 and values up to 512 characters.", param: "metadata");
            }
        }

        long? enqueueTokens = null;
        if (options.Profile == "azure-fail-fast" && options.EnqueuedTokenLimit is not null)
        {
            BatchValidator.Result r = await BatchValidator.ValidateAsync(store.ContentPath(inputFileId), endpoint, options, http.RequestAborted);
            enqueueTokens = r.Tokens;
        }

        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var batch = new EmulatedBatch
        {
            Id = EmulatorStore.NewId("batch_"),
            Endpoint = endpoint,
            InputFileId = inputFileId,
            CompletionWindow = window,
            CreatedAt = now,
            ExpiresAt = now + (long)options.CompletionWindow.TotalSeconds,
            Metadata = metadata,
            StatusChangedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        if (enqueueTokens is { } tokens && !store.TryEnqueue(batch, tokens, options.EnqueuedTokenLimit, out long wouldBe))
        {
            return OpenAIErrors.Error(400, $"Enqueued token limit reached: {wouldBe} tokens would be enqueued; the limit is {options.EnqueuedTokenLimit}.", code: "token_limit_exceeded");
        }

        store.SaveBatch(batch);

        if (faults.SlowCreateResponses > 0)
        {
            faults.SlowCreateResponses--;
            await Task.Delay(faults.SlowCreateDelay, CancellationToken.None); // accepted, but the client gives up waiting
        }

        return Results.Json(Payloads.Batch(batch));
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
