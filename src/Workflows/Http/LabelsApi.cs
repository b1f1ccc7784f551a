using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchEmbed.Workflows.Http;

/// <summary>
/// Receipt labels and their validation (seed 004): <c>/api/labels</c> in and out, <c>/api/validations/…</c> starts
/// SubmitCompletions and IngestCompletions (202 with the check-status payload, 409 while one runs).
/// </summary>
public static class LabelsApi
{
    public const int MaxListed = 1_000;

    public static RouteGroupBuilder MapLabelsApi(this RouteGroupBuilder api, CheckStatusLinks links)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/labels", ImportAsync);
        api.MapGet("/labels", ListAsync);
        api.MapGet("/labels/stats", StatsAsync);
        api.MapPost("/validations/submit", (HttpContext http, RunStarter runs, CancellationToken ct) => SubmitAsync(http, runs, links, ct));
        api.MapPost("/validations/ingest", (HttpContext http, RunStarter runs, CancellationToken ct) => IngestAsync(http, runs, links, ct));
        return api;
    }

    public sealed record ImportResponse(string Collection, long Imported, long Updated, long Unchanged, long RejectedCount, IReadOnlyList<CollectionsApi.Rejected> Rejected);

    /// <summary>A label as the API shows it.</summary>
    public sealed record LabelView(
        string Id, string ImageId, int ReceiptId, int LineId, int WordId, string Label, string Word, string ValidationStatus,
        string? SuggestedLabel, string? Reasoning, string? BatchId, int Attempts, string? LastError, DateTimeOffset UpdatedAt);

    public sealed record LabelList(IReadOnlyList<LabelView> Labels, string? NextCursor);

    public sealed record LabelStats(string Collection, string Fingerprint, string Model, string PromptVersion, IReadOnlyDictionary<string, long> ByStatus, long Total);

    public sealed record SubmitRequest(decimal? BudgetUsd, bool? DryRun, long? MaxLabels);

    /// <summary>Streams NDJSON lines <c>{"imageId","receiptId","lineId","wordId","label"}</c> into the labels collection.</summary>
    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> ImportAsync(HttpRequest request, LabelImporter importer, CompletionConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(importer);
        var intake = new LabelIntake("labels", config.Allowed, CollectionsApi.MaxRejectedListed);
        var result = await importer.ImportAsync(request.Body, intake, ct);
        var rejected = intake.Errors.Select(e => new CollectionsApi.Rejected(e.Line, e.Message)).ToList();
        if (intake.ErrorCount > 0 && result.Imported + result.Updated + result.Unchanged == 0)
        {
            return Problems.BadRequest($"No label could be imported: {intake.ErrorCount} line(s) were rejected.", new Dictionary<string, object?> { ["rejected"] = rejected });
        }

        return TypedResults.Ok(new ImportResponse(config.Options.LabelsCollection, result.Imported, result.Updated, result.Unchanged, intake.ErrorCount, rejected));
    }

    /// <summary>Labels by id (one receipt's with <c>receipt=imageId/receiptId</c>), optionally of one validation status.</summary>
    public static async Task<Results<Ok<LabelList>, ProblemHttpResult>> ListAsync(
        IItemStore items, CompletionConfig config, string? status, string? receipt, string? after, int? limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(config);
        ValidationStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse(status, ignoreCase: true, out ValidationStatus parsed) || !Enum.IsDefined(parsed))
            {
                return Problems.BadRequest($"Unknown status '{status}': use {string.Join(", ", Enum.GetNames<ValidationStatus>())}.");
            }

            wanted = parsed;
        }

        int n = limit ?? 100;
        if (n is < 1 or > MaxListed)
        {
            return Problems.BadRequest($"\"limit\" must be between 1 and {MaxListed}.");
        }

        string prefix = string.IsNullOrEmpty(receipt) ? string.Empty : receipt.TrimEnd('/') + "/";
        var labels = new List<LabelView>();
        string? cursor = after;
        while (labels.Count < n)
        {
            ItemPage page = await items.ListAsync(config.Options.LabelsCollection, prefix, cursor, Math.Max(n, 500), ct);
            foreach (StoredItem item in page.Items)
            {
                cursor = item.Id;
                LabelView? view = View(item, config.Fingerprint);
                if (view is not null && (wanted is null || view.ValidationStatus == wanted.ToString()))
                {
                    labels.Add(view);
                    if (labels.Count == n)
                    {
                        break;
                    }
                }
            }

            if (page.NextCursor is null)
            {
                return TypedResults.Ok(new LabelList(labels, labels.Count == n ? cursor : null));
            }
        }

        return TypedResults.Ok(new LabelList(labels, cursor));
    }

    /// <summary>Labels by validation status under the current prompt (a full pass over the labels).</summary>
    public static async Task<Ok<LabelStats>> StatsAsync(IItemStore items, CompletionConfig config, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(config);
        var counts = Enum.GetNames<ValidationStatus>().ToDictionary(s => s, _ => 0L);
        await foreach (StoredItem item in ItemPages.AllAsync(items, config.Options.LabelsCollection, ct))
        {
            counts[StatusOf(item, config.Fingerprint).ToString()]++;
        }

        return TypedResults.Ok(new LabelStats(config.Options.LabelsCollection, config.Fingerprint, config.Options.Model, config.Options.PromptVersion, counts, counts.Values.Sum()));
    }

    public static async Task<IResult> SubmitAsync(HttpContext http, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runs);
        (SubmitRequest? body, IResult? error) = await RequestGuards.ReadAsync<SubmitRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        if (body?.BudgetUsd is < 0 || body?.MaxLabels is < 1)
        {
            return Problems.BadRequest("\"budgetUsd\" cannot be negative and \"maxLabels\" must be at least 1.");
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(SubmitCompletions), RunStarter.ValidateSubmitId, runs.ValidateSubmitInput(body?.BudgetUsd, body?.DryRun ?? false, body?.MaxLabels), ct), links);
    }

    public static async Task<IResult> IngestAsync(HttpContext http, RunStarter runs, CheckStatusLinks links, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runs);
        (EmbeddingsApi.IngestRequest? body, IResult? error) = await RequestGuards.ReadAsync<EmbeddingsApi.IngestRequest>(http, ct);
        if (error is not null)
        {
            return error;
        }

        return CheckStatusPayload.For(http, await runs.StartSingletonAsync(nameof(IngestCompletions), RunStarter.ValidateIngestId, runs.ValidateIngestInput(body?.Wait ?? false), ct), links);
    }

    /// <summary>
    /// None and Pending as stored; an answered label shows its verdict while the answer is under the current
    /// fingerprint (None once the prompt or model changed); Failed, out of attempts, shows NeedsReview.
    /// </summary>
    public static ValidationStatus StatusOf(StoredItem item, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Status switch
        {
            ItemStatus.Pending => ValidationStatus.Pending,
            ItemStatus.Failed => ValidationStatus.NeedsReview,
            ItemStatus.Succeeded when item.Fingerprint == fingerprint && LabelVerdict.FromJson(item.Outcome) is { } v => v.Verdict,
            _ => ValidationStatus.None,
        };
    }

    private static LabelView? View(StoredItem item, string fingerprint)
    {
        if (!ReceiptLabel.TryParseId(item.Id, out ReceiptLabel label))
        {
            return null;
        }

        ValidationStatus status = StatusOf(item, fingerprint);
        LabelVerdict? verdict = status is ValidationStatus.Valid or ValidationStatus.Invalid or ValidationStatus.NeedsReview ? LabelVerdict.FromJson(item.Outcome) : null;
        return new LabelView(
            item.Id, label.ImageId, label.ReceiptId, label.LineId, label.WordId, label.Label, item.Text, status.ToString(),
            verdict?.SuggestedLabel, verdict?.Reason ?? (item.Status == ItemStatus.Failed ? item.LastError : null), item.BatchId, item.Attempts, item.LastError, item.UpdatedAt);
    }
}
