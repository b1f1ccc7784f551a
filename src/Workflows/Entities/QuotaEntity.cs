using BatchEmbed.Domain.Quota;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Workflows.Entities;

/// <param name="Live">The batches that may hold a reservation; any other reservation is dropped first (its batch was deleted).</param>
public sealed record AdmitRequest(IReadOnlyList<AdmissionCandidate> Candidates, QuotaLimits Limits, IReadOnlyList<string> Live, DateTimeOffset At);

public sealed record QuotaRefusal(string BatchId, string Model, string Reason, DateTimeOffset At);

/// <summary>
/// The provider's enqueued-token quota as we use it: one entity for the whole app (the limit is the organisation's or
/// the deployment's, not a collection's), holding an <see cref="EnqueuedTokenLedger"/>. Entity operations run one at a
/// time, so admissions from concurrent submissions and ingests never overcommit.
/// </summary>
public sealed class QuotaEntity : TaskEntity<EnqueuedTokenLedger>
{
    public const string Name = "Quota";

    public static EntityInstanceId Id { get; } = new(Name, "provider");

    /// <summary>Admits the candidates (oldest first) that fit; returns their ids.</summary>
    public IReadOnlyList<string> Admit(AdmitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        (State, IReadOnlyList<string> admitted) = State
            .Reconcile(request.Live.ToHashSet(StringComparer.Ordinal))
            .Admit(request.Candidates, request.Limits, request.At);
        return admitted;
    }

    public void Release(string batchId) => State = State.Release(batchId);

    public void Refuse(QuotaRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        State = State.Refuse(refusal.BatchId, refusal.Model, refusal.Reason, refusal.At);
    }
}
