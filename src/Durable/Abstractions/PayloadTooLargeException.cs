namespace BatchEmbed.DurableTask;

/// <summary>A payload exceeds the configured maximum. Pass a reference (a blob path or cursor) instead of the data.</summary>
public sealed class PayloadTooLargeException : ArgumentException
{
    public PayloadTooLargeException(string what, int bytes, int limit)
        : base($"The {what} is {bytes:N0} bytes, over the {limit:N0}-byte payload limit. Pass a reference (a blob path or a cursor) instead of the data.")
    {
    }

    public PayloadTooLargeException()
    {
    }

    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
