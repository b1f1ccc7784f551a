namespace BatchEmbed.Domain.Quota;

/// <summary>One batch of ours counted against its model's enqueued-token limit, from admission until it is terminal.</summary>
public sealed record Reservation(string Model, long Tokens, DateTimeOffset At);

/// <summary>A limit learned from a refusal: what the provider stated, or what we had enqueued at that moment.</summary>
public sealed record LearnedLimit(long Tokens, bool Stated, string Reason, DateTimeOffset At);

/// <summary>A batch waiting to be admitted, in the order it was queued.</summary>
public sealed record AdmissionCandidate(string BatchId, string Model, long Tokens);

/// <summary>
/// The configured caps: tokens per model (overrides by name, then a default for every model, then the published
/// defaults of a usage tier where one is known) and open batches.
/// </summary>
public sealed record QuotaLimits(long? DefaultTokenLimit, IReadOnlyDictionary<string, long> TokenLimits, int? MaxOpenBatches, IReadOnlyDictionary<string, long>? TierDefaults = null)
{
    public static QuotaLimits None { get; } = new(null, new Dictionary<string, long>(), null);

    public long? TokenLimit(string model) =>
        TokenLimits.TryGetValue(model, out long l) ? l
        : DefaultTokenLimit is { } d ? d
        : TierDefaults is not null && TierDefaults.TryGetValue(model, out long t) ? t
        : null;
}

/// <summary>
/// The tokens we have enqueued at the provider, per model, and what we know of its limits. Pure and immutable: the
/// quota entity holds one and serialises every change, so two submissions can never both take the last room.
/// </summary>
public sealed record EnqueuedTokenLedger
{
    public IReadOnlyDictionary<string, Reservation> Open { get; init; } = new Dictionary<string, Reservation>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, LearnedLimit> Learned { get; init; } = new Dictionary<string, LearnedLimit>(StringComparer.Ordinal);

    public long Enqueued(string model) => Open.Values.Where(r => r.Model == model).Sum(r => r.Tokens);

    /// <summary>The tighter of the configured limit and the learned one; null when neither is known.</summary>
    public long? EffectiveLimit(string model, QuotaLimits limits)
    {
        long? configured = limits.TokenLimit(model);
        long? learned = Learned.TryGetValue(model, out LearnedLimit? l) ? l.Tokens : null;
        return (configured, learned) switch
        {
            (null, null) => null,
            ({ } c, null) => c,
            (null, { } x) => x,
            ({ } c, { } x) => Math.Min(c, x),
        };
    }

    /// <summary>
    /// Admits candidates in order while they fit. Per model the order is strict (the first that does not fit holds back
    /// the younger ones, so a large old batch is not starved by small new ones); a candidate already admitted stays
    /// admitted. When nothing of a model is enqueued its first candidate is admitted whatever the limit (a configured
    /// limit also caps each batch file, so this only matters for a learned one): a limit learned from someone else's
    /// batches is probed again rather than blocking for ever.
    /// </summary>
    public (EnqueuedTokenLedger Ledger, IReadOnlyList<string> Admitted) Admit(IEnumerable<AdmissionCandidate> candidates, QuotaLimits limits, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(limits);
        var open = new Dictionary<string, Reservation>(Open, StringComparer.Ordinal);
        var admitted = new List<string>();
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        foreach (AdmissionCandidate c in candidates)
        {
            if (open.ContainsKey(c.BatchId))
            {
                admitted.Add(c.BatchId);
                continue;
            }

            if (blocked.Contains(c.Model) || (limits.MaxOpenBatches is { } maxOpen && open.Count >= maxOpen))
            {
                blocked.Add(c.Model);
                continue;
            }

            long enqueued = open.Values.Where(r => r.Model == c.Model).Sum(r => r.Tokens);
            if (enqueued > 0 && EffectiveLimit(c.Model, limits) is { } limit && enqueued + c.Tokens > limit)
            {
                blocked.Add(c.Model);
                continue;
            }

            open[c.BatchId] = new Reservation(c.Model, c.Tokens, at);
            admitted.Add(c.BatchId);
        }

        return (this with { Open = open }, admitted);
    }

    /// <summary>The batch left the provider's queue (terminal, never created, or deleted). Unknown ids are ignored.</summary>
    public EnqueuedTokenLedger Release(string batchId)
    {
        if (!Open.TryGetValue(batchId, out Reservation? r))
        {
            return this;
        }

        var open = new Dictionary<string, Reservation>(Open, StringComparer.Ordinal);
        open.Remove(batchId);
        var learned = new Dictionary<string, LearnedLimit>(Learned, StringComparer.Ordinal);
        if (!open.Values.Any(x => x.Model == r.Model) && learned.TryGetValue(r.Model, out LearnedLimit? l) && !l.Stated)
        {
            learned.Remove(r.Model); // nothing of ours is left enqueued: an inferred limit is probed again
        }

        return this with { Open = open, Learned = learned };
    }

    /// <summary>
    /// The provider refused the batch for its enqueued limit: it is no longer enqueued, and the model's limit becomes
    /// what the provider stated or, failing that, what we had enqueued beside it at that moment (never raised by a
    /// refusal).
    /// </summary>
    public EnqueuedTokenLedger Refuse(string batchId, string model, string reason, DateTimeOffset at)
    {
        EnqueuedTokenLedger released = this with
        {
            Open = Open.Where(kv => kv.Key != batchId).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        };
        long? stated = EnqueuedLimitRefusal.StatedLimit(reason);
        var next = stated is { } s
            ? new LearnedLimit(s, true, reason, at)
            : new LearnedLimit(released.Enqueued(model), false, reason, at);
        if (!next.Stated && Learned.TryGetValue(model, out LearnedLimit? known) && known.Tokens <= next.Tokens)
        {
            next = known;
        }

        var learned = new Dictionary<string, LearnedLimit>(Learned, StringComparer.Ordinal) { [model] = next };
        return released with { Learned = learned };
    }

    /// <summary>Drops reservations whose batch is no longer live (its summary was deleted or ended without a release).</summary>
    public EnqueuedTokenLedger Reconcile(IReadOnlySet<string> live)
    {
        ArgumentNullException.ThrowIfNull(live);
        EnqueuedTokenLedger result = this;
        foreach (string id in Open.Keys.Where(id => !live.Contains(id)).ToList())
        {
            result = result.Release(id);
        }

        return result;
    }
}
