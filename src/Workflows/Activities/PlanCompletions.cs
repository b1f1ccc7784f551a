using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <param name="Salt">The submission's id, mixed into batch ids: a retry of this step writes the same batches.</param>
public sealed record PlanCompletionsInput(string Fingerprint, ItemRange Page, string Salt);

/// <summary>
/// Plans one page of labels that need validation: one chat request per receipt (its metadata, lines and words, and
/// the labels to judge), merged into <c>/v1/chat/completions</c> batch files within the provider's limits. A receipt
/// belongs to the page its first label falls in, so pages never split one: a page skips the labels of a receipt that
/// began on the page before, and reads past its end to finish its last receipt. Returns plans, not data.
/// </summary>
public sealed class PlanCompletions(IItemStore items, IBlobStore blobs, ReceiptContexts receipts, CompletionConfig config)
    : TaskActivity<PlanCompletionsInput, ChunkAndSerializeOutput>
{
    private const int ReadPage = 2_000;

    public override async Task<ChunkAndSerializeOutput> RunAsync(TaskActivityContext context, PlanCompletionsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        config.EnsureFingerprint(input.Fingerprint);
        string collection = config.Options.LabelsCollection;
        var planner = new ChatBatchPlanner(config.PlanSettings(input.Salt));
        using var sink = new BlobBatchFileSink(blobs, BlobPaths.BatchInputs(collection));
        var counted = new Counter();
        BatchPlan plan = await planner.PlanAsync(RequestsAsync(input, counted, CancellationToken.None), sink, CancellationToken.None);
        return new ChunkAndSerializeOutput(
            plan.Batches.Select(b => new PlannedBatchRef(b.BatchId, b.Requests, b.Inputs, b.Tokens, b.Bytes, b.EstimatedUsd, b.Path)).ToList(),
            counted.Labels,
            plan.ItemsPlanned,
            0,
            plan.ErrorCount,
            plan.Errors.Take(20).Select(e => e.ToString()).ToList());
    }

    private async IAsyncEnumerable<ChatRequest> RequestsAsync(PlanCompletionsInput input, Counter counted, [EnumeratorCancellation] CancellationToken ct)
    {
        string collection = config.Options.LabelsCollection;
        string? skip = input.Page.AfterId is { } after ? ReceiptOf(after) : null;
        string last = ReceiptOf(input.Page.LastId);
        var current = new List<LabelToJudge>();
        string? currentKey = null;
        await foreach (StoredItem item in LabelsAsync(collection, input, last, ct))
        {
            if (!ReceiptLabel.TryParseId(item.Id, out ReceiptLabel label) || label.ReceiptKey == skip)
            {
                continue;
            }

            if (currentKey is not null && label.ReceiptKey != currentKey)
            {
                yield return await RequestAsync(collection, currentKey, current, ct);
                current = [];
            }

            currentKey = label.ReceiptKey;
            current.Add(new LabelToJudge(label, item.Text));
            counted.Labels++;
        }

        if (currentKey is not null)
        {
            yield return await RequestAsync(collection, currentKey, current, ct);
        }
    }

    private async Task<ChatRequest> RequestAsync(string collection, string receiptKey, List<LabelToJudge> labels, CancellationToken ct)
    {
        // A receipt deleted since its labels were imported is still asked about, from its labels alone.
        ReceiptContext receipt = await receipts.ReadAsync(receiptKey, ct) ?? new ReceiptContext(receiptKey, null, [], [], []);
        return config.Prompt.Build(receipt with { Labels = labels }, CustomId.Format(collection, receiptKey, 0));
    }

    /// <summary>The page's labels that need validation, then those after it that finish its last receipt.</summary>
    private async IAsyncEnumerable<StoredItem> LabelsAsync(string collection, PlanCompletionsInput input, string lastReceipt, [EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = input.Page.AfterId;
        bool pastEnd = false;
        while (true)
        {
            ItemPage page = await items.FindUnembeddedAsync(collection, input.Fingerprint, cursor, ReadPage, ct);
            foreach (StoredItem item in page.Items)
            {
                pastEnd |= string.CompareOrdinal(item.Id, input.Page.LastId) > 0;
                if (pastEnd && ReceiptOf(item.Id) != lastReceipt)
                {
                    yield break;
                }

                yield return item;
            }

            if (page.NextCursor is null)
            {
                yield break;
            }

            cursor = page.NextCursor;
        }
    }

    /// <summary>The receipt key of a label id (<c>imageId/receiptId</c>), or the id itself when it is not a label id.</summary>
    private static string ReceiptOf(string labelId) => ReceiptLabel.TryParseId(labelId, out ReceiptLabel l) ? l.ReceiptKey : labelId;

    private sealed class Counter
    {
        public long Labels { get; set; }
    }
}
