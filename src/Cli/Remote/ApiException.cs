namespace BatchEmbed.Cli.Remote;

/// <summary>The host answered with an error (its problem+json detail), or could not be reached.</summary>
internal sealed class ApiException : Exception
{
    public ApiException()
    {
    }

    public ApiException(string message)
        : base(message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ApiException(int status, string message, string? instanceId = null, string? statusQueryGetUri = null)
        : base(message)
    {
        Status = status;
        InstanceId = instanceId;
        StatusQueryGetUri = statusQueryGetUri;
    }

    public int Status { get; }

    /// <summary>For 409 on a singleton start: the instance already running.</summary>
    public string? InstanceId { get; }

    public string? StatusQueryGetUri { get; }
}
