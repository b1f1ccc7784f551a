namespace BatchEmbed.Domain.Results;

/// <summary>Every planned request accounted for: <c>Ok + Failed + Missing = Expected</c>.</summary>
public sealed record ReconcileReport(
    int Expected,
    int Ok,
    IReadOnlyList<RequestProblem> Failed,
    IReadOnlyList<RequestProblem> Missing,
    IReadOnlyList<string> Duplicates,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<RequestProblem> Malformed)
{
    public bool IsComplete => Ok == Expected;
}
