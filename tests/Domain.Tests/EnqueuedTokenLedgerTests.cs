using BatchEmbed.Domain.Quota;

namespace BatchEmbed.Domain.Tests;

public sealed class EnqueuedTokenLedgerTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Small = "text-embedding-3-small";
    private const string Large = "text-embedding-3-large";

    private static QuotaLimits Limit(long? tokens, int? maxOpen = null, params (string Model, long Tokens)[] perModel) =>
        new(tokens, perModel.ToDictionary(p => p.Model, p => p.Tokens), maxOpen);

    private static AdmissionCandidate C(string id, long tokens, string model = Small) => new(id, model, tokens);

    [Fact]
    public void Without_a_limit_everything_is_admitted_in_order()
    {
        (EnqueuedTokenLedger l, IReadOnlyList<string> admitted) = new EnqueuedTokenLedger().Admit([C("a", 5_000), C("b", 9_000), C("c", 1)], QuotaLimits.None, s_t0);
        Assert.Equal(["a", "b", "c"], admitted);
        Assert.Equal(14_001, l.Enqueued(Small));
        Assert.Null(l.EffectiveLimit(Small, QuotaLimits.None));
    }

    [Fact]
    public void Candidates_are_admitted_oldest_first_while_they_fit_and_a_younger_small_one_does_not_jump_the_queue()
    {
        (EnqueuedTokenLedger l, IReadOnlyList<string> admitted) = new EnqueuedTokenLedger().Admit([C("a", 4_000), C("b", 4_000), C("c", 4_000), C("d", 100)], Limit(10_000), s_t0);
        Assert.Equal(["a", "b"], admitted);
        Assert.Equal(8_000, l.Enqueued(Small));

        (l, admitted) = l.Release("a").Admit([C("c", 4_000), C("d", 100)], Limit(10_000), s_t0);
        Assert.Equal(["c", "d"], admitted);
        Assert.Equal(8_100, l.Enqueued(Small));
    }

    [Fact]
    public void Admission_is_idempotent_per_batch_and_models_have_their_own_limits()
    {
        QuotaLimits limits = Limit(10_000, null, (Large, 3_000));
        (EnqueuedTokenLedger l, IReadOnlyList<string> first) = new EnqueuedTokenLedger().Admit([C("a", 6_000), C("x", 2_000, Large), C("y", 2_000, Large)], limits, s_t0);
        Assert.Equal(["a", "x"], first);
        (l, IReadOnlyList<string> again) = l.Admit([C("a", 6_000), C("b", 6_000)], limits, s_t0);
        Assert.Equal(["a"], again); // already held: still admitted, and counted once
        Assert.Equal(6_000, l.Enqueued(Small));
        Assert.Equal(2_000, l.Enqueued(Large));
    }

    [Fact]
    public void Max_open_batches_caps_every_model_together()
    {
        (EnqueuedTokenLedger l, IReadOnlyList<string> admitted) = new EnqueuedTokenLedger().Admit([C("a", 1), C("x", 1, Large), C("b", 1)], Limit(null, 2), s_t0);
        Assert.Equal(["a", "x"], admitted);
        Assert.Equal(2, l.Open.Count);
    }

    [Fact]
    public void A_refusal_that_states_the_limit_sets_it_exactly()
    {
        (EnqueuedTokenLedger l, _) = new EnqueuedTokenLedger().Admit([C("a", 4_000), C("b", 4_000), C("c", 4_000)], QuotaLimits.None, s_t0);
        l = l.Refuse("c", Small, "token_limit_exceeded: Enqueued token limit reached for text-embedding-3-small in organization org-1. Limit: 9,000 enqueued tokens.", s_t0);
        Assert.Equal(9_000, l.EffectiveLimit(Small, QuotaLimits.None));
        Assert.True(l.Learned[Small].Stated);
        Assert.Equal(8_000, l.Enqueued(Small));

        (l, IReadOnlyList<string> admitted) = l.Admit([C("c", 4_000)], QuotaLimits.None, s_t0);
        Assert.Empty(admitted);
        (l, admitted) = l.Release("a").Admit([C("c", 4_000)], QuotaLimits.None, s_t0);
        Assert.Equal(["c"], admitted);
        Assert.Equal(9_000, l.Release("b").Release("c").EffectiveLimit(Small, QuotaLimits.None)); // a stated limit is kept
    }

    [Fact]
    public void A_refusal_without_a_stated_limit_lowers_it_to_what_was_enqueued_and_it_is_probed_again_once_nothing_is()
    {
        (EnqueuedTokenLedger l, _) = new EnqueuedTokenLedger().Admit([C("a", 4_000), C("b", 4_000), C("c", 4_000)], Limit(50_000), s_t0);
        l = l.Refuse("c", Small, "token_limit_exceeded: Enqueued token limit reached.", s_t0);
        Assert.Equal(8_000, l.EffectiveLimit(Small, Limit(50_000)));
        Assert.False(l.Learned[Small].Stated);
        l = l.Refuse("b", Small, "token_limit_exceeded: again", s_t0); // never raised by a refusal: the lower stays
        Assert.Equal(4_000, l.EffectiveLimit(Small, Limit(50_000)));

        l = l.Release("a");
        Assert.Equal(50_000, l.EffectiveLimit(Small, Limit(50_000)));
        (_, IReadOnlyList<string> admitted) = l.Admit([C("b", 4_000), C("c", 4_000)], Limit(50_000), s_t0);
        Assert.Equal(["b", "c"], admitted);
    }

    [Fact]
    public void With_nothing_enqueued_one_batch_is_admitted_even_over_a_learned_limit()
    {
        EnqueuedTokenLedger l = new EnqueuedTokenLedger().Refuse("a", Small, "token_limit_exceeded: Limit: 1,000 enqueued tokens", s_t0);
        (l, IReadOnlyList<string> admitted) = l.Admit([C("b", 5_000), C("c", 5_000)], QuotaLimits.None, s_t0);
        Assert.Equal(["b"], admitted); // otherwise a batch larger than a learned limit would wait for ever
    }

    [Fact]
    public void Reconcile_drops_reservations_of_batches_that_are_no_longer_live()
    {
        (EnqueuedTokenLedger l, _) = new EnqueuedTokenLedger().Admit([C("a", 1_000), C("b", 2_000)], QuotaLimits.None, s_t0);
        l = l.Reconcile(new HashSet<string> { "b" });
        Assert.Equal(["b"], l.Open.Keys);
        Assert.Same(l, l.Release("unknown"));
    }

    [Theory]
    [InlineData("token_limit_exceeded: Enqueued token limit reached for text-embedding-3-large in organization org-x. Limit: 3,000,000 enqueued tokens. Please try again once some in_progress batches have been completed.", 3_000_000L)]
    [InlineData("token_limit_exceeded: Enqueued token limit reached: 12000 tokens would be enqueued; the limit is 9000.", 9_000L)]
    [InlineData("token_limit_exceeded: Enqueued token limit reached.", null)]
    public void The_stated_limit_is_read_from_the_refusal(string message, long? expected)
    {
        Assert.Equal(expected, EnqueuedLimitRefusal.StatedLimit(message));
    }

    [Fact]
    public void Refusals_are_recognised_by_their_code()
    {
        Assert.True(EnqueuedLimitRefusal.IsRefusal(["batch_failed: x", "token_limit_exceeded: Enqueued token limit reached."]));
        Assert.False(EnqueuedLimitRefusal.IsRefusal(["batch_failed: token_limit_exceeded mentioned later"]));
    }
}

public sealed class OpenAITierLimitsTests
{
    [Theory]
    [InlineData("text-embedding-3-large", 1, 3_000_000L)]
    [InlineData("text-embedding-3-large", 5, 4_000_000_000L)]
    [InlineData("gpt-4o-mini", 1, 2_000_000L)]
    [InlineData("gpt-4.1-mini", 3, null)]
    [InlineData("text-embedding-3-small", 1, null)]
    public void Only_published_limits_are_known(string model, int tier, long? expected)
    {
        Assert.Equal(expected, OpenAITierLimits.For(model, tier));
    }

    [Fact]
    public void A_configured_limit_wins_over_the_tier_default_and_a_model_override_over_both()
    {
        var limits = new QuotaLimits(10_000_000, new Dictionary<string, long> { ["gpt-4o-mini"] = 42_000 }, null, OpenAITierLimits.At(1));
        Assert.Equal(10_000_000, limits.TokenLimit("text-embedding-3-large"));
        Assert.Equal(42_000, limits.TokenLimit("gpt-4o-mini"));
        Assert.Equal(3_000_000, (limits with { DefaultTokenLimit = null }).TokenLimit("text-embedding-3-large"));
        Assert.Null((limits with { DefaultTokenLimit = null }).TokenLimit("text-embedding-3-small"));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenAITierLimits.For("gpt-4o-mini", 6));
    }
}
