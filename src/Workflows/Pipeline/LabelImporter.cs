using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// Imports receipt labels into the labels collection. Each label must name a receipt, line and word already imported
/// (into the receipts, lines and words collections); one that does not is rejected with its line number. A label
/// item's text is its word's text and its group key the receipt, so prompts and searches need nothing else.
/// </summary>
public sealed class LabelImporter(IItemStore items, ReceiptContexts receipts, CompletionOptions options)
{
    /// <summary>Receipts whose lines and words are kept in memory while their labels stream past.</summary>
    private const int ReceiptsCached = 256;

    public async Task<ImportResult> ImportAsync(Stream ndjson, LabelIntake intake, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(intake);
        return await items.ImportAsync(options.LabelsCollection, CheckedAsync(intake.LabelsAsync(ndjson, ct), intake, ct), ct);
    }

    private async IAsyncEnumerable<CorpusItem> CheckedAsync(IAsyncEnumerable<LabelLine> lines, LabelIntake intake, [EnumeratorCancellation] CancellationToken ct)
    {
        var cache = new Dictionary<string, ReceiptContext?>(StringComparer.Ordinal);
        await foreach (LabelLine line in lines)
        {
            ReceiptLabel label = line.Label;
            if (!cache.TryGetValue(label.ReceiptKey, out ReceiptContext? known))
            {
                if (cache.Count >= ReceiptsCached)
                {
                    cache.Clear();
                }

                cache[label.ReceiptKey] = known = await receipts.ReadAsync(label.ReceiptKey, ct);
            }

            if (known is null)
            {
                intake.Reject(line.LineNumber, $"unknown receipt '{label.ReceiptKey}': import it into '{options.ReceiptsCollection}' first");
            }
            else if (!known.Lines.Any(l => l.LineNo == label.LineId))
            {
                intake.Reject(line.LineNumber, $"receipt '{label.ReceiptKey}' has no line {label.LineId} in '{options.LinesCollection}'");
            }
            else if (known.Words.FirstOrDefault(w => w.LineNo == label.LineId && w.WordNo == label.WordId)?.Text is not { } text)
            {
                intake.Reject(line.LineNumber, $"line {label.LineId} of receipt '{label.ReceiptKey}' has no word {label.WordId} in '{options.WordsCollection}'");
            }
            else
            {
                yield return new CorpusItem(label.Id, text, label.ReceiptKey, label.ToJson());
            }
        }
    }
}
