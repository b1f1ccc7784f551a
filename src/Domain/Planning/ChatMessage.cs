namespace BatchEmbed.Domain.Planning;

/// <summary>One message of a chat prompt (<c>system</c>, <c>user</c> or <c>assistant</c>).</summary>
public sealed record ChatMessage(string Role, string Content);
