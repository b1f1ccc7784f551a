using System.Globalization;
using System.Text.Json;

namespace BatchEmbed.Domain.Labels;

/// <summary>
/// A label a word of a receipt carries (seed 004): <c>{imageId, receiptId, lineId, wordId, label}</c>. Stored as an
/// item of the labels collection whose id is <see cref="Id"/>, so a receipt's labels sit together in id order.
/// </summary>
public sealed record ReceiptLabel(string ImageId, int ReceiptId, int LineId, int WordId, string Label)
{
    /// <summary><c>imageId/receiptId</c>: the group key of the receipt's lines, words and labels.</summary>
    public string ReceiptKey => string.Create(CultureInfo.InvariantCulture, $"{ImageId}/{ReceiptId}");

    /// <summary>The id of the line in the lines collection.</summary>
    public string LineKey => string.Create(CultureInfo.InvariantCulture, $"{ReceiptKey}/{LineId}");

    /// <summary>The id of the word in the words collection.</summary>
    public string WordKey => string.Create(CultureInfo.InvariantCulture, $"{LineKey}/{WordId}");

    /// <summary><c>imageId/receiptId/lineId/wordId/label</c>.</summary>
    public string Id => $"{WordKey}/{Label}";

    /// <summary><c>lineId/wordId/label</c>: how a prompt and its answer name the label within its receipt.</summary>
    public string LocalId => string.Create(CultureInfo.InvariantCulture, $"{LineId}/{WordId}/{Label}");

    /// <summary>The label as one NDJSON line (also kept as the label item's metadata).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["imageId"] = ImageId,
        ["receiptId"] = ReceiptId,
        ["lineId"] = LineId,
        ["wordId"] = WordId,
        ["label"] = Label,
    });

    /// <summary>Reads a label back from its item id (<see cref="Id"/>).</summary>
    public static bool TryParseId(string id, out ReceiptLabel label)
    {
        ArgumentNullException.ThrowIfNull(id);
        label = null!;
        string[] parts = id.Split('/');
        if (parts.Length != 5
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int receipt)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int line)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out int word))
        {
            return false;
        }

        label = new ReceiptLabel(parts[0], receipt, line, word, parts[4]);
        return true;
    }
}
