namespace BatchEmbed.Domain.Results;

/// <summary>
/// Matches result lines to the planned custom ids. Output order is not input order, so matching is by id only.
/// Expired and cancelled lines (and lines that never appear) count as missing: they were not run and can be retried;
/// other errors count as failed. A second line for an id is a duplicate and never counted twice.
/// </summary>
public sealed class ResultReconciler
{
    private static readonly HashSet<string> s_notRunCodes = new(StringComparer.Ordinal) { "batch_expired", "batch_cancelled" };

    private readonly Dictionary<string, bool> _seen;
    private readonly List<RequestProblem> _failed = [];
    private readonly List<RequestProblem> _missing = [];
    private readonly List<string> _duplicates = [];
    private readonly List<string> _unexpected = [];
    private readonly List<RequestProblem> _malformed = [];
    private int _ok;

    public ResultReconciler(IEnumerable<string> expectedCustomIds)
    {
        ArgumentNullException.ThrowIfNull(expectedCustomIds);
        _seen = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (string id in expectedCustomIds)
        {
            _seen.TryAdd(id, false);
        }
    }

    public int Expected => _seen.Count;

    public ResultOutcome Observe(BatchResultLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Kind == ResultLineKind.Malformed)
        {
            _malformed.Add(new RequestProblem(line.CustomId ?? $"line {line.LineNumber}", "malformed", line.ErrorMessage ?? "malformed"));
            return ResultOutcome.Malformed;
        }

        string id = line.CustomId!;
        if (!_seen.TryGetValue(id, out bool seen))
        {
            _unexpected.Add(id);
            return ResultOutcome.Unexpected;
        }

        if (seen)
        {
            _duplicates.Add(id);
            return ResultOutcome.Duplicate;
        }

        _seen[id] = true;
        if (line.Kind == ResultLineKind.Success)
        {
            _ok++;
            return ResultOutcome.Ok;
        }

        var problem = new RequestProblem(id, line.ErrorCode ?? "error", line.ErrorMessage ?? string.Empty);
        if (s_notRunCodes.Contains(problem.Code))
        {
            _missing.Add(problem);
            return ResultOutcome.Missing;
        }

        _failed.Add(problem);
        return ResultOutcome.Failed;
    }

    /// <param name="missingCode">Why unseen requests have no line, for example <c>batch_expired</c> or <c>batch_cancelled</c>.</param>
    public ReconcileReport Complete(string missingCode = "missing", string missingMessage = "no result line was returned for this request")
    {
        var missing = new List<RequestProblem>(_missing);
        foreach ((string id, bool seen) in _seen)
        {
            if (!seen)
            {
                missing.Add(new RequestProblem(id, missingCode, missingMessage));
            }
        }

        return new ReconcileReport(_seen.Count, _ok, _failed, missing, _duplicates, _unexpected, _malformed);
    }
}
