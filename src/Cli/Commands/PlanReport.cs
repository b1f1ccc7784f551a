using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Cli.Commands;

/// <summary>Renders a plan as a table for people or JSON for scripts.</summary>
internal sealed class PlanReport(BatchPlan plan, EmbeddingPlanSettings settings, BudgetDecision budget, string outDir)
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public string ToTable()
    {
        var sb = new StringBuilder();
        string dims = settings.Target.EffectiveDimensions?.ToString(s_inv) ?? "default";
        sb.AppendLine(s_inv, $"Plan for '{settings.Collection}': provider {settings.Profile.Name}, model {settings.Target.Model} ({dims} dims), fingerprint {plan.Fingerprint}");
        if (!settings.Profile.SupportsBatchEmbeddings)
        {
            sb.AppendLine(s_inv, $"Note: the {settings.Profile.Name} profile cannot batch embeddings; the pipeline falls back to the synchronous API, priced at the standard rate below.");
        }

        sb.AppendLine();
        const string Row = "{0,-34} {1,9} {2,9} {3,12} {4,10} {5,12}";
        sb.AppendLine(string.Format(s_inv, Row, "Batch", "Requests", "Inputs", "Tokens", "Size", "Est. cost"));
        sb.AppendLine(new string('-', 91));
        foreach (PlannedBatch b in plan.Batches)
        {
            sb.AppendLine(string.Format(s_inv, Row, b.BatchId, b.Requests.ToString("N0", s_inv), b.Inputs.ToString("N0", s_inv), b.Tokens.ToString("N0", s_inv), Size(b.Bytes), BudgetGate.Usd(b.EstimatedUsd)));
        }

        sb.AppendLine(new string('-', 91));
        sb.AppendLine(string.Format(s_inv, Row, $"Total ({plan.Batches.Count} {(plan.Batches.Count == 1 ? "batch" : "batches")})", plan.Requests.ToString("N0", s_inv), plan.Inputs.ToString("N0", s_inv), plan.Tokens.ToString("N0", s_inv), Size(plan.Bytes), BudgetGate.Usd(plan.EstimatedUsd)));
        sb.AppendLine();
        sb.AppendLine(s_inv, $"Items:  {plan.ItemsPlanned:N0} planned ({plan.ItemsChunked:N0} split into chunks), {plan.ItemsSkippedEmpty:N0} skipped for empty text, {plan.ErrorCount:N0} rejected");
        string tier = plan.Tier == PriceTier.Batch ? "batch" : "standard";
        sb.AppendLine(s_inv, $"Cost:   {BudgetGate.Usd(plan.EstimatedUsd)} at the {tier} price; {BudgetGate.Usd(plan.StandardUsd)} on the synchronous API (prices as of {PriceTable.AsOf})");
        sb.AppendLine(s_inv, $"Budget: {budget.Reason}");
        sb.AppendLine(s_inv, $"Files:  {outDir}");
        if (plan.Errors.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Rejected:");
            foreach (var e in plan.Errors.Take(20))
            {
                sb.AppendLine(s_inv, $"  {e}");
            }

            if (plan.ErrorCount > 20)
            {
                sb.AppendLine(s_inv, $"  ... and {plan.ErrorCount - 20:N0} more (use --json for the first {BatchPlan.MaxErrorsKept:N0})");
            }
        }

        return sb.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("collection", settings.Collection);
            w.WriteString("provider", settings.Profile.Name);
            w.WriteString("endpoint", plan.Endpoint);
            w.WriteString("model", settings.Target.Model);
            if (settings.Target.EffectiveDimensions is { } d)
            {
                w.WriteNumber("dimensions", d);
            }

            w.WriteString("fingerprint", plan.Fingerprint);
            w.WriteString("priceTier", plan.Tier == PriceTier.Batch ? "batch" : "standard");
            w.WriteString("pricesAsOf", PriceTable.AsOf);
            w.WriteStartArray("batches");
            foreach (PlannedBatch b in plan.Batches)
            {
                w.WriteStartObject();
                w.WriteString("batchId", b.BatchId);
                w.WriteString("path", b.Path);
                w.WriteNumber("requests", b.Requests);
                w.WriteNumber("inputs", b.Inputs);
                w.WriteNumber("tokens", b.Tokens);
                w.WriteNumber("bytes", b.Bytes);
                w.WriteNumber("estUsd", b.EstimatedUsd);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("totals");
            w.WriteNumber("batches", plan.Batches.Count);
            w.WriteNumber("requests", plan.Requests);
            w.WriteNumber("inputs", plan.Inputs);
            w.WriteNumber("tokens", plan.Tokens);
            w.WriteNumber("bytes", plan.Bytes);
            w.WriteNumber("estUsd", plan.EstimatedUsd);
            w.WriteNumber("standardUsd", plan.StandardUsd);
            w.WriteEndObject();
            w.WriteStartObject("items");
            w.WriteNumber("planned", plan.ItemsPlanned);
            w.WriteNumber("chunked", plan.ItemsChunked);
            w.WriteNumber("skippedEmpty", plan.ItemsSkippedEmpty);
            w.WriteNumber("rejected", plan.ErrorCount);
            w.WriteEndObject();
            w.WriteStartObject("budget");
            w.WriteBoolean("allowed", budget.Allowed);
            if (budget.BudgetUsd is { } b2)
            {
                w.WriteNumber("budgetUsd", b2);
            }

            w.WriteString("reason", budget.Reason);
            w.WriteEndObject();
            w.WriteStartArray("rejected");
            foreach (var e in plan.Errors)
            {
                w.WriteStartObject();
                w.WriteString("source", e.Source);
                w.WriteNumber("line", e.Line);
                w.WriteString("error", e.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(s_inv) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.0", s_inv) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.0", s_inv) + " MB",
    };
}
