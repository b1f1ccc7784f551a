using System.Collections.Concurrent;

namespace BatchEmbed.OpenAIEmulator;

/// <summary>
/// Faults for a whole run, settable while the emulator runs (tests) or from configuration. Per-batch faults come from
/// the batch's metadata: <c>emulator_line_error_rate</c>, <c>emulator_fail</c>, <c>emulator_expire_after_lines</c>, and
/// <c>emulator_chat_fault</c> (malformed, truncated, refusal or unknown_id: every chat answer of the batch).
/// </summary>
public sealed class EmulatorFaults
{
    /// <summary>Share of request lines that fail with a 500 in the error file (deterministic per custom_id).</summary>
    public double LineErrorRate { get; set; }

    /// <summary>Faults for the next chat answers, one each, in the order lines are answered.</summary>
    public ConcurrentQueue<ChatFault> ChatFaults { get; } = new();

    /// <summary>Status codes (429 or 500) answered to the next create-batch calls, one each, with Retry-After.</summary>
    public ConcurrentQueue<int> CreateFailures { get; } = new();

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>For the next N creates, the batch is created but the response is held this long (a client timeout after acceptance).</summary>
    public int SlowCreateResponses { get; set; }

    public TimeSpan SlowCreateDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>File downloads are throttled to this many bytes per second (0: unthrottled).</summary>
    public long DownloadBytesPerSecond { get; set; }

    /// <summary>File downloads are cut off (the connection aborted) after this many bytes (0: never).</summary>
    public long InterruptDownloadAfterBytes { get; set; }
}
