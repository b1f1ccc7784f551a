using System.Text.Json;
using BatchEmbed.OpenAIEmulator.Processing;
using BatchEmbed.OpenAIEmulator.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary>The synchronous <c>/embeddings</c> and <c>/chat/completions</c> endpoints, with the same results as batches.</summary>
internal static class InferenceApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/embeddings", (HttpRequest request, CancellationToken ct) =>
            RunAsync(request, (w, body) => InferenceEngine.WriteEmbeddingsBody(w, body), ct));
        api.MapPost("/chat/completions", (HttpRequest request, EmulatorOptions options, CancellationToken ct) =>
            RunAsync(request, (w, body) => InferenceEngine.WriteChatBody(
                w, body, EmulatorStore.NewId("chatcmpl-"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), fault: options.Faults.ChatFaults.TryDequeue(out ChatFault f) ? f : null), ct));
    }

    private static async Task<IResult> RunAsync(HttpRequest request, Action<Utf8JsonWriter, JsonElement> write, CancellationToken ct)
    {
        try
        {
            JsonElement body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: ct);
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("model", out _))
            {
                return OpenAIErrors.Error(400, "'model' is required.", param: "model");
            }

            return Results.Bytes(InferenceEngine.Json(w => write(w, body)), "application/json");
        }
        catch (JsonException ex)
        {
            return OpenAIErrors.Error(400, "The body is not valid JSON: " + ex.Message);
        }
        catch (ArgumentException ex)
        {
            return OpenAIErrors.Error(400, ex.Message);
        }
    }
}
