namespace BatchEmbed.Domain.Results;

public enum ResultOutcome
{
    Ok,
    Failed,
    Missing,
    Duplicate,
    Unexpected,
    Malformed,
}
