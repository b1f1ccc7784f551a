using System.Globalization;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Reads what a validation prompt carries about a receipt from the item store: its metadata, lines and words.</summary>
public sealed class ReceiptContexts(IItemStore items, CompletionOptions options)
{
    private const int Page = 1_000;

    private IAsyncEnumerable<StoredItem> ListAsync(string collection, string receiptKey, CancellationToken ct) =>
        ItemPages.AllAsync(items, collection, ct, receiptKey + "/", Page);

    /// <summary>The receipt's metadata, lines and words (no labels yet), or null when the receipt is not imported.</summary>
    public async Task<ReceiptContext?> ReadAsync(string receiptKey, CancellationToken ct)
    {
        if (await items.GetAsync(options.ReceiptsCollection, receiptKey, ct) is not { } receipt)
        {
            return null;
        }

        var lines = new List<ContextLine>();
        await foreach (StoredItem line in ListAsync(options.LinesCollection, receiptKey, ct))
        {
            if (Numbers(line.Id, receiptKey) is [int lineNo])
            {
                lines.Add(new ContextLine(lineNo, line.Text));
            }
        }

        var words = new List<ContextWord>();
        await foreach (StoredItem word in ListAsync(options.WordsCollection, receiptKey, ct))
        {
            if (Numbers(word.Id, receiptKey) is [int lineNo, int wordNo])
            {
                words.Add(new ContextWord(lineNo, wordNo, word.Text));
            }
        }

        return new ReceiptContext(receiptKey, receipt.MetadataJson, lines, words, []);
    }

    /// <summary>The numbers after <c>{receiptKey}/</c> in an id (<c>3</c> for a line, <c>3/2</c> for a word), or null.</summary>
    public static int[]? Numbers(string id, string receiptKey)
    {
        string[] parts = id[(receiptKey.Length + 1)..].Split('/');
        var numbers = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }

        return numbers;
    }
}
