using System.Runtime.CompilerServices;
using System.Text.Json;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Jsonl;

namespace BatchEmbed.Domain.Labels;

/// <summary>One label read from NDJSON, with its line number (so a later check can still name the line).</summary>
public readonly record struct LabelLine(long LineNumber, ReceiptLabel Label);

/// <summary>
/// Streams labels from NDJSON lines <c>{"imageId","receiptId","lineId","wordId","label"}</c> (other fields are ignored).
/// A line that is not such an object, or names a label outside the allowed set, is kept as an error with its line
/// number (the first <see cref="MaxErrorsKept"/>) and counted; nothing is dropped silently.
/// </summary>
public sealed class LabelIntake(string source, IReadOnlySet<string> allowedLabels, int maxErrorsKept = 1000)
{
    public const int MaxImageIdLength = 128;

    private readonly List<LineError> _errors = [];

    public long ErrorCount { get; private set; }

    public IReadOnlyList<LineError> Errors => _errors;

    /// <summary>Counts and keeps an error found by a later check of a line this intake read.</summary>
    public void Reject(long lineNumber, string message)
    {
        if (++ErrorCount <= maxErrorsKept)
        {
            _errors.Add(new LineError(source, lineNumber, message));
        }
    }

    public async IAsyncEnumerable<LabelLine> LabelsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Utf8LineReader(stream);
        while (true)
        {
            bool more;
            try
            {
                more = await reader.ReadLineAsync(cancellationToken);
            }
            catch (LineTooLongException ex)
            {
                Reject(ex.LineNumber, ex.Message + "; the rest of the input was not read");
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            if (reader.Current.Span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            if (Parse(reader.Current, out string? error) is { } label)
            {
                yield return new LabelLine(reader.LineNumber, label);
            }
            else
            {
                Reject(reader.LineNumber, error!);
            }
        }
    }

    private ReceiptLabel? Parse(ReadOnlyMemory<byte> line, out string? error)
    {
        error = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            error = "not valid JSON: " + ex.Message.Split(". ")[0];
            return null;
        }

        using (doc)
        {
            JsonElement o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object)
            {
                error = "a label must be a JSON object";
                return null;
            }

            if (!o.TryGetProperty("imageId", out JsonElement image) || image.ValueKind != JsonValueKind.String || image.GetString() is not { Length: > 0 } imageId)
            {
                error = "\"imageId\" must be a non-empty string";
                return null;
            }

            if (imageId.Length > MaxImageIdLength || imageId.AsSpan().IndexOfAny('/', '|') >= 0 || imageId.Any(char.IsControl))
            {
                error = $"\"imageId\" must be at most {MaxImageIdLength} characters, without '/', '|' or control characters";
                return null;
            }

            int? receipt = Number(o, "receiptId", 0), lineId = Number(o, "lineId", 1), wordId = Number(o, "wordId", 1);
            if (receipt is null || lineId is null || wordId is null)
            {
                error = "\"receiptId\" must be a whole number from 0, \"lineId\" and \"wordId\" whole numbers from 1";
                return null;
            }

            if (!o.TryGetProperty("label", out JsonElement l) || l.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(l.GetString()))
            {
                error = "\"label\" must be a non-empty string";
                return null;
            }

            string label = l.GetString()!;
            if (!allowedLabels.Contains(label))
            {
                error = $"unknown label '{(label.Length > 64 ? label[..64] + "..." : label)}': allowed are {string.Join(", ", allowedLabels.Order(StringComparer.Ordinal))}";
                return null;
            }

            return new ReceiptLabel(imageId, receipt.Value, lineId.Value, wordId.Value, label);
        }
    }

    private static int? Number(JsonElement o, string name, int min) =>
        o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n >= min ? n : null;
}
