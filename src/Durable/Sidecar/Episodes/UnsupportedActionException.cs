namespace BatchEmbed.DurableTask.Sidecar.Episodes;

/// <summary>A worker asked for something the backend can't do; the orchestration fails with this message.</summary>
public sealed class UnsupportedActionException : Exception
{
    public UnsupportedActionException()
    {
    }

    public UnsupportedActionException(string message)
        : base(message)
    {
    }

    public UnsupportedActionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
