namespace BatchEmbed.OpenAIEmulator.Storage;

/// <summary>A batch's full state, persisted as JSON after every change.</summary>
internal sealed class EmulatedBatch
{
    public required string Id { get; init; }

    public required string Endpoint { get; init; }

    public required string InputFileId { get; init; }

    public string CompletionWindow { get; init; } = "24h";

    public string Status { get; set; } = "validating";

    public string? Model { get; set; }

    public List<BatchErrorItem> Errors { get; set; } = [];

    public string? OutputFileId { get; set; }

    public string? ErrorFileId { get; set; }

    public long CreatedAt { get; init; }

    public long? InProgressAt { get; set; }

    public long? ExpiresAt { get; set; }

    public long? FinalizingAt { get; set; }

    public long? CompletedAt { get; set; }

    public long? FailedAt { get; set; }

    public long? ExpiredAt { get; set; }

    public long? CancellingAt { get; set; }

    public long? CancelledAt { get; set; }

    public int Total { get; set; }

    public int Completed { get; set; }

    public int Failed { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    /// <summary>Tokens the batch enqueues (counted at validation), for the enqueued-token limit.</summary>
    public long EnqueuedTokens { get; set; }

    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>Input lines processed so far (the processing cursor).</summary>
    public int Processed { get; set; }

    /// <summary>Committed lengths of the partial output and error files: anything past them is discarded on restart.</summary>
    public long OutputPartialBytes { get; set; }

    public long ErrorPartialBytes { get; set; }

    /// <summary>Milliseconds of the last status change (Unix).</summary>
    public long StatusChangedAtMs { get; set; }

    public bool IsTerminal => Status is "completed" or "failed" or "expired" or "cancelled";
}

/// <summary>One entry of a batch's <c>errors.data</c>.</summary>
internal sealed record BatchErrorItem(string Code, string Message, string? Param, int? Line);
