namespace BatchEmbed.Domain.Results;

public enum ResultLineKind
{
    /// <summary>HTTP 200 with a response body.</summary>
    Success,

    /// <summary>An error object, or a non-200 response.</summary>
    Error,

    /// <summary>The line could not be read; <see cref="BatchResultLine.ErrorMessage"/> says why.</summary>
    Malformed,
}
