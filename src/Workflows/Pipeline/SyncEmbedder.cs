using System.Text.Json;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Jsonl;
using BatchEmbed.Workflows.Activities;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// The fallback for providers that cannot batch embeddings (Azure OpenAI): sends a planned batch file's requests
/// through the synchronous embeddings API, rate limited, and writes the answers as Batch API output lines, one blob
/// per request. A part already written is never sent again, so a retried activity pays only for what is left. The
/// batch then flows through PollBatch and StoreResults like any other.
/// </summary>
public sealed class SyncEmbedder(IBatchProvider provider, IBlobStore blobs, PipelineOptions options, EmbeddingTargets targets, SyncRateLimiter limiter)
{
    public const string ProviderIdPrefix = "sync-";
    public const string BlobFilePrefix = "blob:";

    public static bool IsSync(string providerBatchId) => providerBatchId.StartsWith(ProviderIdPrefix, StringComparison.Ordinal);

    public async Task<ProviderObservation> EmbedAsync(SubmitBatchInput input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        string model = (await targets.ForAsync(input.Collection, input.Fingerprint, ct)).Target.Model;
        var requests = new List<(string CustomId, string Text)>();
        int? dimensions = null;
        await using (Stream file = await blobs.OpenReadAsync(input.Path, ct))
        {
            var reader = new Utf8LineReader(file);
            while (await reader.ReadLineAsync(ct))
            {
                using JsonDocument doc = JsonDocument.Parse(reader.Current);
                JsonElement body = doc.RootElement.GetProperty("body");
                requests.Add((doc.RootElement.GetProperty("custom_id").GetString()!, body.GetProperty("input").GetString()!));
                if (body.TryGetProperty("dimensions", out JsonElement d))
                {
                    dimensions = d.GetInt32();
                }
            }
        }

        int part = 0, failed = 0;
        long tokens = 0;
        foreach ((string CustomId, string Text)[] slice in requests.Chunk(options.SyncInputsPerRequest))
        {
            string path = BlobPaths.SyncOutputPart(input.BatchId, part++);
            if (await blobs.ExistsAsync(path, ct))
            {
                continue;
            }

            await limiter.WaitAsync(ct);
            SyncEmbeddings? result = null;
            string? error = null;
            try
            {
                result = await provider.EmbedAsync(model, slice.Select(r => r.Text).ToList(), dimensions, ct);
                tokens += result.PromptTokens;
            }
            catch (BatchProviderException ex) when (ex.Kind == BatchProviderErrorKind.Validation)
            {
                error = ex.Message; // this part's inputs were refused: not paid for, so they go back to the queue
                failed += slice.Length;
            }

            await blobs.WriteAsync(path, s => WritePartAsync(s, input.BatchId, model, slice, result, error), ct);
        }

        return new ProviderObservation(
            ProviderIdPrefix + input.BatchId, "completed", null, BlobFilePrefix + BlobPaths.SyncOutputPrefix(input.BatchId), null,
            requests.Count, requests.Count - failed, failed, tokens, 0, [], DateTimeOffset.UtcNow);
    }

    private static async Task WritePartAsync(Stream s, string batchId, string model, (string CustomId, string Text)[] slice, SyncEmbeddings? result, string? error)
    {
        await using var json = new Utf8JsonWriter(s);
        long perLine = result is null ? 0 : result.PromptTokens / slice.Length;
        long remainder = result is null ? 0 : result.PromptTokens - (perLine * slice.Length);
        for (int i = 0; i < slice.Length; i++)
        {
            json.WriteStartObject();
            json.WriteString("id", $"{ProviderIdPrefix}{batchId}-{i}");
            json.WriteString("custom_id", slice[i].CustomId);
            if (result is null)
            {
                json.WriteNull("response");
                json.WriteStartObject("error");
                json.WriteString("code", "invalid_request");
                json.WriteString("message", error);
                json.WriteEndObject();
            }
            else
            {
                json.WriteStartObject("response");
                json.WriteNumber("status_code", 200);
                json.WriteString("request_id", string.Empty);
                json.WriteStartObject("body");
                json.WriteString("object", "list");
                json.WriteStartArray("data");
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", 0);
                json.WriteStartArray("embedding");
                foreach (float f in result.Vectors[i])
                {
                    json.WriteNumberValue(f);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteString("model", model);
                json.WriteStartObject("usage");
                long t = perLine + (i == 0 ? remainder : 0);
                json.WriteNumber("prompt_tokens", t);
                json.WriteNumber("total_tokens", t);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteNull("error");
            }

            json.WriteEndObject();
            await json.FlushAsync();
            s.WriteByte((byte)'\n');
            json.Reset(s);
        }
    }
}

/// <summary>Spaces synchronous embedding calls evenly, process-wide, to stay under the provider's requests per minute.</summary>
public sealed class SyncRateLimiter(PipelineOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _nextTicks;

    public async Task WaitAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            long now = time.GetUtcNow().UtcTicks;
            if (_nextTicks > now)
            {
                await Task.Delay(TimeSpan.FromTicks(_nextTicks - now), time, ct);
                now = _nextTicks;
            }

            _nextTicks = now + TimeSpan.FromMinutes(1).Ticks / options.SyncRequestsPerMinute;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
