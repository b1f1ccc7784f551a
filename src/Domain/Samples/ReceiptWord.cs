namespace BatchEmbed.Domain.Samples;

/// <summary>A word on a receipt line, with the label a human (or the completion batch) gives it.</summary>
public sealed record ReceiptWord(int LineNo, int WordNo, string Text, string? Label);
