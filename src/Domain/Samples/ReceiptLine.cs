namespace BatchEmbed.Domain.Samples;

/// <summary>A printed line of a receipt. <see cref="Section"/> is header, item, totals, payment or footer.</summary>
public sealed record ReceiptLine(int LineNo, string Text, string Section);
