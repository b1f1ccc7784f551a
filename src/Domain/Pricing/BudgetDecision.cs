namespace BatchEmbed.Domain.Pricing;

/// <summary>The outcome of a budget check; <see cref="Reason"/> explains it in a sentence a user can act on.</summary>
public sealed record BudgetDecision(bool Allowed, string Reason, decimal ProjectedUsd, decimal? BudgetUsd, decimal CommittedUsd);
