using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Domain.Results;
using BatchEmbed.Workflows.Entities;
using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Activities;

/// <summary>
/// Streams a terminal completion batch's output and error files and settles every label it asked about. An answer
/// that finished, parses and judges every label of its receipt exactly once settles them with its verdicts; any other
/// (a refusal, a stop on <c>length</c>, malformed JSON, a schema break, an unknown or missing label, an error line, no
/// line at all) sends all of that receipt's labels back to None with the reason, or leaves them NeedsReview after the
/// last attempt. Only labels still claimed by this batch change, so it is safe to run again. The actual cost comes
/// from the usage each answer reports.
/// </summary>
public sealed class StoreAnswers(IItemStore items, IBlobStore blobs, ResultFiles files, BatchSummaries summaries, CompletionConfig config)
    : TaskActivity<StoreResultsInput, IngestOutcome>
{
    private const int ProblemsKept = 20;

    public override async Task<IngestOutcome> RunAsync(TaskActivityContext context, StoreResultsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CancellationToken ct = CancellationToken.None;
        BatchSummary batch = await summaries.GetAsync(input.BatchId, ct)
            ?? throw new InvalidOperationException($"Batch summary '{input.BatchId}' is gone (deleted by a reset?); its answers were not stored.");

        var asked = new Dictionary<string, LabelRequest>(StringComparer.Ordinal);
        await using (Stream file = await blobs.OpenReadAsync(batch.InputPath, ct))
        {
            await foreach (LabelRequest request in LabelRequestReader.ReadAsync(file, ct))
            {
                asked[request.CustomId] = request;
            }
        }

        var reconciler = new ResultReconciler(asked.Keys);
        var verdicts = new Dictionary<string, LabelVerdict>(StringComparer.Ordinal);
        var problems = new Dictionary<string, string>(StringComparer.Ordinal); // custom id -> why its receipt goes back
        long promptTokens = 0, completionTokens = 0;
        await foreach (BatchResultLine line in files.ReadAllAsync(batch, ct))
        {
            ResultOutcome outcome = reconciler.Observe(line);
            if (line.CustomId is null || !asked.TryGetValue(line.CustomId, out LabelRequest? request) || !CustomId.TryParse(line.CustomId, out CustomId id))
            {
                continue;
            }

            if (outcome == ResultOutcome.Ok)
            {
                promptTokens += line.PromptTokens;
                completionTokens += line.CompletionTokens;
                LabelAnswer answer = LabelAnswerParser.Parse(line.Content, line.FinishReason, line.Refusal, request.LocalIds, config.Allowed);
                if (answer.Ok)
                {
                    foreach ((string local, LabelVerdict v) in answer.Verdicts)
                    {
                        verdicts[id.ItemId + "/" + local] = v;
                    }
                }
                else
                {
                    problems.TryAdd(line.CustomId, $"{answer.ProblemCode}: {answer.Problem}");
                }
            }
            else if (outcome == ResultOutcome.Failed)
            {
                problems.TryAdd(line.CustomId, $"{line.ErrorCode}: {line.ErrorMessage}");
            }
        }

        (string missingCode, string missingWhy) = ResultFiles.Missing(batch);
        ReconcileReport report = reconciler.Complete(missingCode, missingWhy);
        foreach (RequestProblem p in report.Missing.Concat(report.Malformed))
        {
            problems.TryAdd(p.CustomId, $"{p.Code}: {p.Message}");
        }

        var counts = VerdictCounts.Zero;
        int settled = 0;
        foreach (IGrouping<ValidationStatus, KeyValuePair<string, LabelVerdict>> group in verdicts.GroupBy(kv => kv.Value.Verdict))
        {
            int n = 0;
            foreach (KeyValuePair<string, LabelVerdict>[] slice in group.Chunk(5_000))
            {
                n += await items.MarkAnsweredAsync(batch.Collection, slice.ToDictionary(kv => kv.Key, kv => kv.Value.ToJson(), StringComparer.Ordinal), batch.BatchId, batch.Fingerprint, ct);
            }

            settled += n;
            counts = counts.Add(group.Key switch
            {
                ValidationStatus.Valid => new VerdictCounts(n, 0, 0, 0),
                ValidationStatus.Invalid => new VerdictCounts(0, n, 0, 0),
                _ => new VerdictCounts(0, 0, n, 0),
            });
        }

        // Every label of a receipt whose answer is unusable goes back with its reason (one call per distinct reason).
        int requeued = 0, failed = 0;
        var labelsByReason = problems
            .Where(kv => asked.ContainsKey(kv.Key))
            .SelectMany(kv => asked[kv.Key].LocalIds.Select(local => (Reason: Truncate(kv.Value), Label: CustomIdItem(kv.Key) + "/" + local)))
            .GroupBy(x => x.Reason, x => x.Label);
        foreach (IGrouping<string, string> group in labelsByReason)
        {
            foreach (string[] slice in group.Chunk(5_000))
            {
                (int r, int f) = await items.RequeueAsync(batch.Collection, slice, batch.BatchId, group.Key, input.MaxAttempts, ct);
                requeued += r;
                failed += f;
            }
        }

        counts = counts with { GaveUp = failed };
        List<string> kept = problems.Take(ProblemsKept).Select(kv => $"{CustomIdItem(kv.Key)}: {Truncate(kv.Value)}").ToList();
        decimal usd = config.Price.Cost(promptTokens, completionTokens, PriceTier.Batch);
        return new IngestOutcome(settled, requeued, failed, 0, promptTokens, usd, kept, DateTimeOffset.UtcNow, completionTokens, counts);
    }

    /// <summary>The receipt a request's custom id names (the custom id itself when it is not one of ours).</summary>
    private static string CustomIdItem(string customId) => CustomId.TryParse(customId, out CustomId id) ? id.ItemId : customId;

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
