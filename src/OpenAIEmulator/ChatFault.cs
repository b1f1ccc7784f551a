namespace BatchEmbed.OpenAIEmulator;

/// <summary>A fault for one chat answer (batch line or synchronous call); see <see cref="EmulatorFaults.ChatFaults"/>.</summary>
public enum ChatFault
{
    /// <summary>The content is cut short, so it is not JSON, though <c>finish_reason</c> is <c>stop</c>.</summary>
    Malformed,

    /// <summary>The content stops part way with <c>finish_reason: length</c>, as when max_completion_tokens runs out.</summary>
    Truncated,

    /// <summary>No content; the message carries a <c>refusal</c>.</summary>
    Refusal,

    /// <summary>Schema-valid in shape, but the first id drawn from an <c>enum</c> names something that is not in it.</summary>
    UnknownId,
}
