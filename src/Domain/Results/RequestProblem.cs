namespace BatchEmbed.Domain.Results;

/// <summary>A request that did not produce a result: why, in the provider's words where it gave any.</summary>
public sealed record RequestProblem(string CustomId, string Code, string Message);
