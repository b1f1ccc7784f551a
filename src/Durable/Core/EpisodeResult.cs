using BatchEmbed.DurableTask.History;

namespace BatchEmbed.DurableTask.Core;

internal enum CompletionKind
{
    None,
    Completed,
    Failed,
    ContinuedAsNew,
}

/// <summary>What one episode produced: new actions, new history, and how (or whether) the execution ended.</summary>
internal sealed class EpisodeResult
{
    public List<OrchestratorAction> Actions { get; } = [];

    /// <summary>Events to append to the history, in order (everything after the past history).</summary>
    public List<HistoryEvent> NewHistory { get; } = [];

    public CompletionKind Completion { get; set; }

    public string? Output { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public string? CustomStatus { get; set; }

    public bool CustomStatusChanged { get; set; }

    public string? ContinueAsNewInput { get; set; }

    /// <summary>Events raised but never consumed, carried to the next execution by ContinueAsNew.</summary>
    public List<HistoryEvent> CarriedEvents { get; } = [];
}
