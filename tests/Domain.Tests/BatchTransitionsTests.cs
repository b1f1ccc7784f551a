using BatchEmbed.Domain.Batches;

namespace BatchEmbed.Domain.Tests;

public sealed class BatchTransitionsTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_batch_walks_the_happy_path_with_timestamps()
    {
        var s = Summary().MoveTo(BatchStatus.Submitted, s_t0.AddMinutes(1))
            .MoveTo(BatchStatus.Validating, s_t0.AddMinutes(2))
            .MoveTo(BatchStatus.InProgress, s_t0.AddMinutes(3))
            .MoveTo(BatchStatus.InProgress, s_t0.AddMinutes(4))
            .MoveTo(BatchStatus.Finalizing, s_t0.AddMinutes(5))
            .MoveTo(BatchStatus.Completed, s_t0.AddMinutes(6))
            .MoveTo(BatchStatus.Ingested, s_t0.AddMinutes(7));
        Assert.Equal(BatchStatus.Ingested, s.Status);
        Assert.Equal(s_t0.AddMinutes(1), s.SubmittedAt);
        Assert.Equal(s_t0.AddMinutes(6), s.TerminalAt);
        Assert.Equal(s_t0.AddMinutes(7), s.IngestedAt);
    }

    [Theory]
    [InlineData(BatchStatus.Planned, BatchStatus.Completed)]
    [InlineData(BatchStatus.Completed, BatchStatus.InProgress)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Validating)]
    [InlineData(BatchStatus.Ingested, BatchStatus.Submitted)]
    [InlineData(BatchStatus.Cancelled, BatchStatus.Completed)]
    [InlineData(BatchStatus.Submitted, BatchStatus.Ingested)]
    [InlineData(BatchStatus.Queued, BatchStatus.Submitted)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Queued)]
    [InlineData(BatchStatus.Completed, BatchStatus.Queued)]
    [InlineData(BatchStatus.Ingested, BatchStatus.Queued)]
    public void Illegal_transitions_are_errors(BatchStatus from, BatchStatus to)
    {
        var ex = Assert.Throws<InvalidBatchTransitionException>(() => (Summary() with { Status = from }).MoveTo(to, s_t0));
        Assert.Equal((from, to), (ex.From, ex.To));
        Assert.Contains("emb-x", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queued_batch_is_taken_for_creation_and_can_return_to_the_queue_when_refused_for_the_limit()
    {
        var s = (Summary() with { Status = BatchStatus.Queued })
            .MoveTo(BatchStatus.Planned, s_t0)
            .MoveTo(BatchStatus.Submitted, s_t0.AddMinutes(1))
            .MoveTo(BatchStatus.Validating, s_t0.AddMinutes(2))
            .MoveTo(BatchStatus.Queued, s_t0.AddMinutes(3)) // failed validation with token_limit_exceeded
            .MoveTo(BatchStatus.Planned, s_t0.AddMinutes(4))
            .MoveTo(BatchStatus.Queued, s_t0.AddMinutes(5)); // refused at create (Azure fail-fast)
        Assert.Equal(BatchStatus.Queued, s.Status);
        Assert.False(BatchTransitions.IsOpen(BatchStatus.Queued));
        Assert.False(BatchTransitions.IsTerminal(BatchStatus.Queued));
        Assert.True(BatchTransitions.CanMove(BatchStatus.Queued, BatchStatus.Cancelled));
    }

    [Theory]
    [InlineData("validating", BatchStatus.Validating)]
    [InlineData("in_progress", BatchStatus.InProgress)]
    [InlineData("cancelled", BatchStatus.Cancelled)]
    public void Provider_statuses_map(string provider, BatchStatus expected)
    {
        Assert.Equal(expected, BatchTransitions.FromProvider(provider));
    }

    [Fact]
    public void Unknown_provider_statuses_are_errors()
    {
        Assert.Throws<ArgumentException>(() => BatchTransitions.FromProvider("paused"));
    }

    [Fact]
    public void Open_and_terminal_are_disjoint()
    {
        foreach (BatchStatus s in Enum.GetValues<BatchStatus>())
        {
            Assert.False(BatchTransitions.IsOpen(s) && BatchTransitions.IsTerminal(s));
        }
    }

    private static BatchSummary Summary() => new()
    {
        BatchId = "emb-x",
        Kind = BatchKind.Embedding,
        Collection = "lines",
        Fingerprint = "fp1-x",
        Model = "text-embedding-3-small",
        Endpoint = "/v1/embeddings",
        InputPath = "batches/emb-x.jsonl",
        CreatedAt = s_t0,
    };
}
