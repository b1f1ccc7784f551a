namespace BatchEmbed.Workflows.Pipeline;

/// <summary>A failure that retrying will not fix (refused input, bad key); activity retry policies stop on it.</summary>
public sealed class PermanentFailureException : Exception
{
    public PermanentFailureException()
    {
    }

    public PermanentFailureException(string message)
        : base(message)
    {
    }

    public PermanentFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
