namespace BatchEmbed.Domain.Chunking;

/// <summary>One embedding input cut from an item.</summary>
/// <param name="Index">0-based position in the item.</param>
/// <param name="Text">The chunk's text: always whole characters.</param>
/// <param name="Tokens">Tokens in <paramref name="Text"/> as the provider counts them (what is billed).</param>
/// <param name="FirstToken">Index of the chunk's first token in the whole item's tokens.</param>
/// <param name="EndToken">Index just past the chunk's last token.</param>
public sealed record Chunk(int Index, string Text, int Tokens, int FirstToken, int EndToken);
