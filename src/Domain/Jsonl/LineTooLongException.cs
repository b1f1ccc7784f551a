namespace BatchEmbed.Domain.Jsonl;

/// <summary>A line exceeds the reader's limit, which stops a corrupt or hostile file from exhausting memory.</summary>
public sealed class LineTooLongException : Exception
{
    public LineTooLongException(long lineNumber, int maxLineBytes)
        : base($"line {lineNumber} is longer than {maxLineBytes:N0} bytes")
    {
        LineNumber = lineNumber;
    }

    public LineTooLongException()
    {
    }

    public LineTooLongException(string message)
        : base(message)
    {
    }

    public LineTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long LineNumber { get; }
}
