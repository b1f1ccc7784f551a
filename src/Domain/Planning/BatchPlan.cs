using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Domain.Planning;

/// <summary>The outcome of planning: the batch files written and an account of every item read.</summary>
public sealed class BatchPlan
{
    public const int MaxErrorsKept = 1000;

    private readonly List<PlannedBatch> _batches = [];
    private readonly List<LineError> _errors = [];

    public BatchPlan(ProviderProfile profile, string endpoint, string model, string fingerprint, PriceTier tier)
    {
        Profile = profile;
        Endpoint = endpoint;
        Model = model;
        Fingerprint = fingerprint;
        Tier = tier;
    }

    public ProviderProfile Profile { get; }

    public string Endpoint { get; }

    public string Model { get; }

    public string Fingerprint { get; }

    public PriceTier Tier { get; }

    public IReadOnlyList<PlannedBatch> Batches => _batches;

    /// <summary>Up to <see cref="MaxErrorsKept"/> rejected items; <see cref="ErrorCount"/> counts them all.</summary>
    public IReadOnlyList<LineError> Errors => _errors;

    public long ItemsPlanned { get; internal set; }

    public long ItemsSkippedEmpty { get; internal set; }

    /// <summary>Items cut into more than one chunk.</summary>
    public long ItemsChunked { get; internal set; }

    public long ErrorCount { get; private set; }

    public long Requests => _batches.Sum(b => (long)b.Requests);

    public long Inputs => _batches.Sum(b => (long)b.Inputs);

    public long Tokens => _batches.Sum(b => b.Tokens);

    public long Bytes => _batches.Sum(b => b.Bytes);

    public decimal EstimatedUsd => _batches.Sum(b => b.EstimatedUsd);

    /// <summary>What the same tokens would cost on the synchronous API.</summary>
    public decimal StandardUsd { get; internal set; }

    internal void Add(PlannedBatch batch) => _batches.Add(batch);

    /// <summary>Counts items skipped before planning because their text was empty.</summary>
    public void AddSkippedEmpty(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ItemsSkippedEmpty += count;
    }

    /// <summary>Counts rejected items whose details were not kept (past <see cref="MaxErrorsKept"/>).</summary>
    public void AddUnkeptErrors(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ErrorCount += count;
    }

    public void AddError(LineError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        ErrorCount++;
        if (_errors.Count < MaxErrorsKept)
        {
            _errors.Add(error);
        }
    }
}
