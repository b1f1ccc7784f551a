using System.Globalization;
using System.Text;
using System.Text.Json;
using BatchEmbed.Domain.Jsonl;
using BatchEmbed.OpenAIEmulator.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.OpenAIEmulator.Processing;

/// <summary>
/// Moves batches through their lifecycle at the configured pace. Results are appended to partial files whose committed
/// lengths are saved with the batch, so a restart resumes exactly where the last save left off.
/// </summary>
internal sealed partial class BatchProcessor(EmulatorStore store, EmulatorOptions options, ILogger<BatchProcessor> log) : BackgroundService
{
    private readonly Dictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _lastRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _lineCredit = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tick = new(1, 1);

    public override void Dispose()
    {
        foreach (Cursor c in _cursors.Values)
        {
            c.Dispose();
        }

        _tick.Dispose();
        base.Dispose();
    }

    /// <summary>Runs one pass over all unfinished batches (also used by tests to advance time deterministically).</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await _tick.WaitAsync(ct);
        try
        {
            foreach (EmulatedBatch b in store.Batches().Where(b => !b.IsTerminal))
            {
                try
                {
                    await AdvanceAsync(b, ct);
                }
                catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException)
                {
                    LogBatchError(log, b.Id, ex);
                }
            }
        }
        finally
        {
            _tick.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
                await Task.Delay(options.TickInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task AdvanceAsync(EmulatedBatch b, CancellationToken ct)
    {
        long nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long since = nowMs - b.StatusChangedAtMs;
        switch (b.Status)
        {
            case "validating" when since >= options.ValidationDelay.TotalMilliseconds:
                await ValidateAsync(b, ct);
                break;
            case "in_progress":
                if (b.ExpiresAt is { } exp && DateTimeOffset.UtcNow.ToUnixTimeSeconds() >= exp)
                {
                    await FinishAsync(b, "expired", ct);
                }
                else
                {
                    await ProcessLinesAsync(b, ct);
                }

                break;
            case "finalizing" when since >= options.FinalizingDelay.TotalMilliseconds:
                await FinishAsync(b, "completed", ct);
                break;
            case "cancelling" when since >= options.CancellingDelay.TotalMilliseconds:
                await FinishAsync(b, "cancelled", ct);
                break;
        }
    }

    private async Task ValidateAsync(EmulatedBatch b, CancellationToken ct)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (store.GetFile(b.InputFileId) is null)
        {
            Fail(b, [new BatchErrorItem("file_not_found", $"The input file '{b.InputFileId}' no longer exists.", "input_file_id", null)], now);
            return;
        }

        BatchValidator.Result r = await BatchValidator.ValidateAsync(store.ContentPath(b.InputFileId), b.Endpoint, options, ct);
        b.Total = r.Total;
        b.Model = r.Model;
        if (Meta(b, "emulator_fail") is "true")
        {
            Fail(b, [new BatchErrorItem("batch_failed", "The batch failed (emulator fault: emulator_fail).", null, null)], now);
            return;
        }

        if (r.Errors.Count > 0)
        {
            Fail(b, r.Errors, now);
            return;
        }

        // OpenAI counts a batch against the enqueued-token limit once it passes validation (on Azure's fail-fast
        // profile it was counted at create): past the limit it fails here, as OpenAI's does.
        if (b.EnqueuedTokens == 0 && !store.TryEnqueue(b, r.Tokens, options.EnqueuedTokenLimit, out long wouldBe))
        {
            Fail(b, [new BatchErrorItem("token_limit_exceeded", $"Enqueued token limit reached: {wouldBe} tokens would be enqueued; the limit is {options.EnqueuedTokenLimit}.", null, null)], now);
            return;
        }

        b.InProgressAt = now;
        b.ExpiresAt = b.CreatedAt + (long)options.CompletionWindow.TotalSeconds;
        SetStatus(b, "in_progress");
        store.SaveBatch(b);
    }

    private void Fail(EmulatedBatch b, List<BatchErrorItem> errors, long now)
    {
        b.Errors = errors;
        b.FailedAt = now;
        SetStatus(b, "failed");
        store.SaveBatch(b);
    }

    private async Task ProcessLinesAsync(EmulatedBatch b, CancellationToken ct)
    {
        DateTime now = DateTime.UtcNow;
        DateTime last = _lastRun.GetValueOrDefault(b.Id, now - options.TickInterval);
        _lastRun[b.Id] = now;
        // The pace carries fractions from tick to tick, so a rate below the tick rate (2 lines/s on 20 ms ticks) holds.
        int budget = 5000;
        if (options.LinesPerSecond > 0)
        {
            double credit = _lineCredit.GetValueOrDefault(b.Id) + (options.LinesPerSecond * Math.Min(1.0, (now - last).TotalSeconds));
            budget = (int)credit;
            _lineCredit[b.Id] = credit - budget;
            if (budget == 0 && b.Processed < b.Total)
            {
                return;
            }
        }

        int? expireAfter = int.TryParse(Meta(b, "emulator_expire_after_lines"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
        double errorRate = double.TryParse(Meta(b, "emulator_line_error_rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) ? rate : options.Faults.LineErrorRate;

        Cursor cursor = await CursorFor(b, ct);
        var outputs = new List<string>();
        var errors = new List<string>();
        long created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        while (budget-- > 0 && b.Processed < b.Total)
        {
            if (expireAfter is { } limit && b.Processed >= limit)
            {
                break;
            }

            string line = await cursor.NextAsync(ct) ?? throw new InvalidOperationException($"Batch {b.Id}: the input ended before {b.Total} lines.");
            using JsonDocument doc = JsonDocument.Parse(line);
            string customId = doc.RootElement.GetProperty("custom_id").GetString()!;
            JsonElement body = doc.RootElement.GetProperty("body");
            if (errorRate > 0 && DeterministicEmbedder.Fnv(customId) % 10_000 < (ulong)(errorRate * 10_000))
            {
                errors.Add(ErrorLine(customId, 500, "server_error", "The server had an error while processing your request (emulator fault: line error rate)."));
                b.Failed++;
            }
            else
            {
                try
                {
                    outputs.Add(SuccessLine(b, customId, body, created));
                    b.Completed++;
                }
                catch (ArgumentException ex)
                {
                    errors.Add(ErrorLine(customId, 400, "invalid_request_error", ex.Message));
                    b.Failed++;
                }
            }

            b.Processed++;
        }

        // Output order is not input order (the real service makes no promise either).
        var rng = new Random((int)(DeterministicEmbedder.Fnv(b.Id) ^ (ulong)b.Processed));
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(outputs));
        b.OutputPartialBytes = await AppendAsync(store.PartialPath(b.Id, "output"), outputs, ct);
        b.ErrorPartialBytes = await AppendAsync(store.PartialPath(b.Id, "errors"), errors, ct);

        if (expireAfter is { } stop && b.Processed >= stop && b.Processed < b.Total)
        {
            await FinishAsync(b, "expired", ct);
            return;
        }

        if (b.Processed >= b.Total)
        {
            b.FinalizingAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            SetStatus(b, "finalizing");
        }

        store.SaveBatch(b);
    }

    private async Task FinishAsync(EmulatedBatch b, string status, CancellationToken ct)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (status == "expired")
        {
            // Unfinished requests are reported in the error file as batch_expired.
            Cursor cursor = await CursorFor(b, ct);
            var expired = new List<string>();
            while (b.Processed < b.Total && await cursor.NextAsync(ct) is { } line)
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                expired.Add(NullResponseLine(doc.RootElement.GetProperty("custom_id").GetString()!, "batch_expired", "This request could not be executed before the completion window expired."));
                b.Processed++;
                b.Failed++;
            }

            b.ErrorPartialBytes = await AppendAsync(store.PartialPath(b.Id, "errors"), expired, ct);
            b.ExpiredAt = now;
        }

        b.OutputFileId = Publish(b, "output", now);
        b.ErrorFileId = Publish(b, "errors", now);
        b.OutputPartialBytes = 0;
        b.ErrorPartialBytes = 0;
        switch (status)
        {
            case "completed":
                b.CompletedAt = now;
                break;
            case "cancelled":
                b.CancelledAt = now;
                break;
        }

        SetStatus(b, status);
        store.SaveBatch(b);
        if (_cursors.Remove(b.Id, out Cursor? c))
        {
            c.Dispose();
        }
    }

    private string? Publish(EmulatedBatch b, string kind, long now)
    {
        string partial = store.PartialPath(b.Id, kind);
        if (!File.Exists(partial) || new FileInfo(partial).Length == 0)
        {
            File.Delete(partial);
            return null;
        }

        string temp = store.NewTempPath();
        File.Move(partial, temp);
        return store.AddFile(temp, $"{b.Id}_{kind}.jsonl", "batch_output", now, null).Id;
    }

    private string SuccessLine(EmulatedBatch b, string customId, JsonElement body, long created)
    {
        byte[] json = InferenceEngine.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", EmulatorStore.NewId("batch_req_"));
            w.WriteString("custom_id", customId);
            w.WriteStartObject("response");
            w.WriteNumber("status_code", 200);
            w.WriteString("request_id", EmulatorStore.NewId("req_"));
            w.WritePropertyName("body");
            if (b.Endpoint == "/v1/embeddings")
            {
                b.InputTokens += InferenceEngine.WriteEmbeddingsBody(w, body);
            }
            else
            {
                (long p, long c) = InferenceEngine.WriteChatBody(w, body, EmulatorStore.NewId("chatcmpl-"), created, customId, ChatFaultFor(b));
                b.InputTokens += p;
                b.OutputTokens += c;
            }

            w.WriteEndObject();
            w.WriteNull("error");
            w.WriteEndObject();
        });
        return Encoding.UTF8.GetString(json);
    }

    private static string ErrorLine(string customId, int status, string code, string message) => Encoding.UTF8.GetString(InferenceEngine.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", EmulatorStore.NewId("batch_req_"));
        w.WriteString("custom_id", customId);
        w.WriteStartObject("response");
        w.WriteNumber("status_code", status);
        w.WriteString("request_id", EmulatorStore.NewId("req_"));
        w.WriteStartObject("body");
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", status >= 500 ? "server_error" : "invalid_request_error");
        w.WriteNull("param");
        w.WriteString("code", code);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteNull("error");
        w.WriteEndObject();
    }));

    private static string NullResponseLine(string customId, string code, string message) => Encoding.UTF8.GetString(InferenceEngine.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", EmulatorStore.NewId("batch_req_"));
        w.WriteString("custom_id", customId);
        w.WriteNull("response");
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    }));

    private static async Task<long> AppendAsync(string path, List<string> lines, CancellationToken ct)
    {
        await using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        if (lines.Count > 0)
        {
            var sb = new StringBuilder();
            foreach (string l in lines)
            {
                sb.Append(l).Append('\n');
            }

            await fs.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
            await fs.FlushAsync(ct);
        }

        return fs.Length;
    }

    private async Task<Cursor> CursorFor(EmulatedBatch b, CancellationToken ct)
    {
        if (!_cursors.TryGetValue(b.Id, out Cursor? cursor))
        {
            cursor = new Cursor(store.ContentPath(b.InputFileId));
            for (int i = 0; i < b.Processed; i++)
            {
                _ = await cursor.NextAsync(ct);
            }

            _cursors[b.Id] = cursor;
        }

        return cursor;
    }

    private static string? Meta(EmulatedBatch b, string key) => b.Metadata?.GetValueOrDefault(key);

    /// <summary>The batch's own chat fault (metadata <c>emulator_chat_fault</c>), else the next queued one.</summary>
    private ChatFault? ChatFaultFor(EmulatedBatch b) => Meta(b, "emulator_chat_fault") switch
    {
        "malformed" => ChatFault.Malformed,
        "truncated" => ChatFault.Truncated,
        "refusal" => ChatFault.Refusal,
        "unknown_id" => ChatFault.UnknownId,
        _ => options.Faults.ChatFaults.TryDequeue(out ChatFault f) ? f : null,
    };

    internal static void SetStatus(EmulatedBatch b, string status)
    {
        b.Status = status;
        b.StatusChangedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "Batch {BatchId} could not advance")]
    private static partial void LogBatchError(ILogger logger, string batchId, Exception exception);

    /// <summary>Reads the input file's non-empty lines in order.</summary>
    private sealed class Cursor(string path) : IDisposable
    {
        private readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        private Utf8LineReader? _reader;

        public async Task<string?> NextAsync(CancellationToken ct)
        {
            _reader ??= new Utf8LineReader(_stream);
            while (await _reader.ReadLineAsync(ct))
            {
                if (!_reader.Current.IsEmpty)
                {
                    return Encoding.UTF8.GetString(_reader.Current.Span);
                }
            }

            return null;
        }

        public void Dispose() => _stream.Dispose();
    }
}
