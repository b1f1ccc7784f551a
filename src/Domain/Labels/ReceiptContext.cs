namespace BatchEmbed.Domain.Labels;

/// <summary>A word of a receipt line, by its number on the line.</summary>
public sealed record ContextWord(int LineNo, int WordNo, string Text);

/// <summary>A line of a receipt, by its number.</summary>
public sealed record ContextLine(int LineNo, string Text);

/// <summary>A label to judge, with the text of the word it is on.</summary>
public sealed record LabelToJudge(ReceiptLabel Label, string WordText);

/// <summary>What one validation prompt carries: a receipt's metadata, lines and words, and the labels to judge.</summary>
public sealed record ReceiptContext(
    string ReceiptKey,
    string? MetadataJson,
    IReadOnlyList<ContextLine> Lines,
    IReadOnlyList<ContextWord> Words,
    IReadOnlyList<LabelToJudge> Labels);
