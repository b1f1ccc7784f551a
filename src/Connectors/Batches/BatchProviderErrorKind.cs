namespace BatchEmbed.Connectors.Batches;

public enum BatchProviderErrorKind
{
    /// <summary>Wrong or missing key: retrying will not help.</summary>
    Auth,

    /// <summary>429: retry after <see cref="BatchProviderException.RetryAfter"/>.</summary>
    RateLimit,

    /// <summary>The request was refused as invalid (400): fix the input.</summary>
    Validation,

    /// <summary>The file or batch does not exist.</summary>
    NotFound,

    /// <summary>A 5xx, a timeout or a dropped connection: safe to retry.</summary>
    Transient,
}
