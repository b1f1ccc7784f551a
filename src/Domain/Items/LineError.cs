namespace BatchEmbed.Domain.Items;

/// <summary>A rejected input line, reported as <c>file:line: message</c>.</summary>
public sealed record LineError(string Source, long Line, string Message)
{
    public override string ToString() => $"{Source}:{Line}: {Message}";
}
