using System.Globalization;
using System.Text.Json;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Labels;

namespace BatchEmbed.Domain.Samples;

/// <summary>One scanned receipt: metadata, lines, and words with labels. <see cref="GroupKey"/> is <c>imageId/receiptId</c>.</summary>
public sealed record Receipt(
    string ImageId,
    int ReceiptId,
    string Merchant,
    string Address,
    string Phone,
    DateTime PurchasedAt,
    decimal Total,
    string PaymentMethod,
    IReadOnlyList<ReceiptLine> Lines,
    IReadOnlyList<ReceiptWord> Words)
{
    public string GroupKey => string.Create(CultureInfo.InvariantCulture, $"{ImageId}/{ReceiptId}");

    public CorpusItem ToReceiptItem() => new(
        GroupKey,
        $"{Merchant}, {Address}. {PurchasedAt:yyyy-MM-dd}. Total {Total.ToString("0.00", CultureInfo.InvariantCulture)} paid by {PaymentMethod}.",
        GroupKey,
        Json(w =>
        {
            w.WriteString("merchant", Merchant);
            w.WriteString("address", Address);
            w.WriteString("phone", Phone);
            w.WriteString("purchasedAt", PurchasedAt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteNumber("total", Total);
            w.WriteString("paymentMethod", PaymentMethod);
            w.WriteNumber("lines", Lines.Count);
            w.WriteNumber("words", Words.Count);
        }));

    public IEnumerable<CorpusItem> ToLineItems() => Lines.Select(l => new CorpusItem(
        string.Create(CultureInfo.InvariantCulture, $"{GroupKey}/{l.LineNo}"),
        l.Text,
        GroupKey,
        Json(w =>
        {
            w.WriteString("merchant", Merchant);
            w.WriteNumber("lineNo", l.LineNo);
            w.WriteString("section", l.Section);
        })));

    public IEnumerable<CorpusItem> ToWordItems() => Words.Select(w => new CorpusItem(
        string.Create(CultureInfo.InvariantCulture, $"{GroupKey}/{w.LineNo}/{w.WordNo}"),
        w.Text,
        GroupKey,
        Json(j =>
        {
            j.WriteNumber("lineNo", w.LineNo);
            j.WriteNumber("wordNo", w.WordNo);
        })));

    /// <summary>The labels its words carry, awaiting validation (the completion flow's input).</summary>
    public IEnumerable<ReceiptLabel> ToLabels() =>
        Words.Where(w => w.Label is not null).Select(w => new ReceiptLabel(ImageId, ReceiptId, w.LineNo, w.WordNo, w.Label!));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
