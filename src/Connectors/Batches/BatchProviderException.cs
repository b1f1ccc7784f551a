namespace BatchEmbed.Connectors.Batches;

/// <summary>A provider call failed; <see cref="Kind"/> says whether and when to retry.</summary>
public sealed class BatchProviderException : Exception
{
    public BatchProviderException(BatchProviderErrorKind kind, string message, int? statusCode = null, TimeSpan? retryAfter = null, Exception? inner = null, string? errorCode = null)
        : base(message, inner)
    {
        Kind = kind;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        ErrorCode = errorCode;
    }

    public BatchProviderException()
    {
    }

    public BatchProviderException(string message)
        : base(message)
    {
    }

    public BatchProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BatchProviderErrorKind Kind { get; } = BatchProviderErrorKind.Transient;

    public int? StatusCode { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>The provider's <c>error.code</c> (for example <c>token_limit_exceeded</c>), when its answer had one.</summary>
    public string? ErrorCode { get; }

    public bool IsRetriable => Kind is BatchProviderErrorKind.Transient or BatchProviderErrorKind.RateLimit;
}
