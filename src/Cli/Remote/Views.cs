using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchEmbed.Cli.Remote;

/// <summary>How the CLI prints what the API returns.</summary>
internal static class Views
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static async Task WriteSubmitAsync(TextWriter o, JsonObject s)
    {
        await o.WriteLineAsync($"{s["collection"]}: {s["outcome"]}. {s["message"]}");
        await o.WriteLineAsync(string.Create(s_inv, $"  items {N(s["items"])}, batches {N(s["batches"])} (submitted {N(s["submitted"])}, queued {N(s["queued"])}, failed {N(s["submitFailed"])}), requests {N(s["requests"])}, tokens {N(s["tokens"])}, projected {Usd(s["estimatedUsd"])}"));
        foreach (JsonNode? e in s["errors"]?.AsArray() ?? [])
        {
            await o.WriteLineAsync($"  {e}");
        }
    }

    public static async Task WriteIngestAsync(TextWriter o, JsonObject r)
    {
        JsonNode t = r["totals"]!;
        await o.WriteLineAsync($"{r["message"]}");
        await o.WriteLineAsync(string.Create(s_inv, $"  batches ingested {N(t["batchesIngested"])}, items embedded {N(t["itemsSucceeded"])}, requeued {N(t["itemsRequeued"])}, failed {N(t["itemsFailed"])}, vectors {N(t["vectors"])}, actual {Usd(t["actualUsd"])}, still open {N(r["open"])}, queued {N(r["queued"])}"));
    }

    public static async Task WriteStatsAsync(TextWriter o, JsonObject s)
    {
        JsonObject items = s["items"]!.AsObject();
        JsonNode index = s["index"]!;
        await o.WriteLineAsync($"{s["collection"]}");
        await o.WriteLineAsync("  items    " + string.Join("  ", items.Select(kv => $"{kv.Key} {N(kv.Value)}")) + $"  (total {N(s["itemsTotal"])})");
        await o.WriteLineAsync(string.Create(s_inv, $"  index    {index["name"]}: {N(index["vectors"])} vectors x {index["dimensions"]} dims, snapshot v{index["snapshotVersion"]}, {N(index["pendingDeltas"])} pending deltas"));
        await o.WriteLineAsync("  batches  " + string.Join("  ", s["batches"]!.AsObject().Where(kv => (int)kv.Value! > 0).Select(kv => $"{kv.Key} {kv.Value}")));
        await o.WriteLineAsync(string.Create(s_inv, $"  spend    tokens {N(s["tokens"])}, projected {Usd(s["estimatedUsd"])}, actual {Usd(s["actualUsd"])}{(s["budgetUsd"] is { } b ? ", budget " + Usd(b) : string.Empty)}"));
        if (s["queue"] is JsonObject q)
        {
            await o.WriteLineAsync("  queue    " + Queue(q));
        }
    }

    /// <summary>The enqueued-token limit in one line: enqueued against the limit in force, what waits, and when it should be done.</summary>
    public static string Queue(JsonObject q)
    {
        string limit = q["limit"] is { } l
            ? $"of a limit of {N(l)}" + (q["learnedLimit"] is { } learned && (long)learned! == (long)l! ? $" (learned: {q["learnedFrom"]})" : " (configured)")
            : "(no limit known: learned from the provider's first refusal)";
        string open = q["maxOpenBatches"] is { } max ? $"{N(q["openBatches"])} of at most {N(max)} batches open" : $"{N(q["openBatches"])} batches open";
        string eta = q["etaSeconds"] is { } e ? $", ETA about {TimeSpan.FromSeconds((double)e!):g}" : string.Empty;
        return string.Create(s_inv, $"{N(q["enqueuedTokens"])} tokens enqueued for {q["model"]} {limit}; {open}; {N(q["queuedBatches"])} batches ({N(q["queuedTokens"])} tokens) queued{eta}");
    }

    public static async Task WriteBatchesAsync(TextWriter o, JsonArray batches)
    {
        if (batches.Count == 0)
        {
            await o.WriteLineAsync("No batches.");
            return;
        }

        await o.WriteLineAsync($"{"batch id",-30} {"collection",-12} {"status",-11} {"requests",9} {"done",9} {"failed",7} {"tokens",10} {"projected",11} {"actual",11}  created");
        foreach (JsonNode? b in batches)
        {
            JsonNode? c = b!["counts"];
            await o.WriteLineAsync(string.Create(s_inv,
                $"{b["batchId"],-30} {b["collection"],-12} {b["status"],-11} {N(b["requests"]),9} {N(c?["completed"]),9} {N(c?["failed"]),7} {N(b["actualInputTokens"] ?? b["tokens"]),10} {Usd(b["estimatedUsd"]),11} {Usd(b["actualUsd"]),11}  {b["createdAt"]}"));
        }
    }

    public static string N(JsonNode? n) => n is null ? "-" : n.GetValueKind() == System.Text.Json.JsonValueKind.Number ? n.GetValue<decimal>().ToString("N0", s_inv) : n.ToString();

    public static string Usd(JsonNode? n) => n is null ? "-" : "$" + n.GetValue<decimal>().ToString("0.000000", s_inv);
}
