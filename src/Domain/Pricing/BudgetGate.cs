using System.Globalization;

namespace BatchEmbed.Domain.Pricing;

/// <summary>Refuses work whose projected cost, added to what is already committed, would exceed the budget.</summary>
public static class BudgetGate
{
    /// <param name="projectedUsd">The cost of the work about to be submitted.</param>
    /// <param name="budgetUsd">The budget, or null for none.</param>
    /// <param name="committedUsd">Spend already committed against the same budget (batches in flight or done).</param>
    /// <param name="what">What the work is, for the explanation (for example "3 batches, 1,204,330 tokens of text-embedding-3-small").</param>
    public static BudgetDecision Check(decimal projectedUsd, decimal? budgetUsd, decimal committedUsd = 0m, string what = "this plan")
    {
        if (budgetUsd is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(budgetUsd), budgetUsd, "A budget cannot be negative.");
        }

        if (budgetUsd is null)
        {
            return new BudgetDecision(true, $"No budget set; {what} is projected at {Usd(projectedUsd)}.", projectedUsd, null, committedUsd);
        }

        decimal total = projectedUsd + committedUsd;
        if (total <= budgetUsd)
        {
            return new BudgetDecision(
                true,
                $"Within budget: {what} is projected at {Usd(projectedUsd)}" +
                (committedUsd > 0 ? $" plus {Usd(committedUsd)} already committed" : string.Empty) +
                $", {Usd(budgetUsd.Value - total)} under the {Usd(budgetUsd.Value)} budget.",
                projectedUsd,
                budgetUsd,
                committedUsd);
        }

        string committed = committedUsd > 0 ? $" plus {Usd(committedUsd)} already committed" : string.Empty;
        return new BudgetDecision(
            false,
            $"Refused: {what} is projected at {Usd(projectedUsd)}{committed}, {Usd(total - budgetUsd.Value)} over the " +
            $"{Usd(budgetUsd.Value)} budget. Nothing was submitted. Raise the budget, or submit fewer items (maxItems).",
            projectedUsd,
            budgetUsd,
            committedUsd);
    }

    /// <summary>Dollars with enough decimals to show sub-cent embedding costs.</summary>
    public static string Usd(decimal value) => "$" + value.ToString(value != 0 && Math.Abs(value) < 0.01m ? "0.000000" : "0.0000", CultureInfo.InvariantCulture);
}
