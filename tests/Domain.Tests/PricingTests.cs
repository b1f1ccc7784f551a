using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Domain.Tests;

public sealed class PricingTests
{
    [Theory]
    [InlineData("text-embedding-3-small", 0.02, 0.01)]
    [InlineData("text-embedding-3-large", 0.13, 0.065)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15, 0.075)]
    [InlineData("gpt-4.1-mini", 0.40, 0.20)]
    public void The_table_has_standard_and_batch_prices(string model, double standard, double batch)
    {
        ModelPrice p = PriceTable.Get(model);
        Assert.Equal((decimal)standard, p.StandardInput);
        Assert.Equal((decimal)batch, p.BatchInput);
    }

    [Fact]
    public void Batch_price_is_half_of_standard_for_every_model()
    {
        Assert.All(PriceTable.All, p => Assert.Equal(p.StandardInput / 2, p.BatchInput));
    }

    [Fact]
    public void Cost_counts_input_and_output_per_million_tokens()
    {
        Assert.Equal(0.0135m, PriceTable.Get("gpt-4o-mini").Cost(100_000, 20_000, PriceTier.Batch)); // seed 002's worked example
        Assert.Equal(0.027m, PriceTable.Get("gpt-4o-mini").Cost(100_000, 20_000, PriceTier.Standard));
        Assert.Equal(0.01m, PriceTable.Get("text-embedding-3-small").Cost(1_000_000, 0, PriceTier.Batch));
    }

    [Fact]
    public void Unknown_models_are_an_error_that_lists_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => PriceTable.Get("my-deployment"));
        Assert.Contains("text-embedding-3-small", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_budget_gate_refuses_with_the_numbers_and_what_to_do()
    {
        BudgetDecision d = BudgetGate.Check(12.5m, 10m, 0m, "3 batches");
        Assert.False(d.Allowed);
        Assert.Contains("$12.5000", d.Reason, StringComparison.Ordinal);
        Assert.Contains("$2.5000 over", d.Reason, StringComparison.Ordinal);
        Assert.Contains("Nothing was submitted", d.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_budget_gate_counts_committed_spend()
    {
        Assert.True(BudgetGate.Check(4m, 10m, 5m).Allowed);
        Assert.False(BudgetGate.Check(4m, 10m, 7m).Allowed);
        Assert.True(BudgetGate.Check(1_000m, null).Allowed);
        Assert.Throws<ArgumentOutOfRangeException>(() => BudgetGate.Check(1m, -1m));
    }
}
