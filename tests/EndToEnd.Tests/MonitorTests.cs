using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace BatchEmbed.EndToEnd.Tests;

/// <summary>The monitor in a real browser (Debian's Chromium, headless) against a live host after a real emulator run.</summary>
public sealed class MonitorTests(MonitorFixture fx) : IClassFixture<MonitorFixture>
{
    [Fact(Timeout = 120_000)]
    public async Task Without_a_key_the_page_asks_for_one_and_the_apis_behind_it_refuse()
    {
        IPage page = await fx.Browser.NewPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor").ToString());
        await page.WaitForSelectorAsync("#login:not([hidden])");
        Assert.True(await page.IsHiddenAsync("#nav"));
        await page.FillAsync("#key", fx.Host.Keys.FunctionKey); // not the admin key
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#login-error:has-text('refused')");
        await fx.ShotAsync(page, "00-login-refused");

        using var anonymous = new HttpClient { BaseAddress = fx.Host.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("runtime/webhooks/durabletask/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/batches")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/collections/lines/stats")).StatusCode);
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_instance_list_shows_the_submit_and_ingest_instances()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.WaitForSelectorAsync("#instances table");
        await page.WaitForSelectorAsync("#instances a:has-text('submit-lines')");
        await page.WaitForSelectorAsync("#instances a:has-text('ingest-lines')");
        await fx.ShotAsync(page, "01-instances");

        await page.FillAsync("#f-prefix", "submit-");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#instances tbody tr')].every(r => r.textContent.includes('submit-'))");
        Assert.Equal(0, await page.Locator("#instances a:has-text('ingest-lines')").CountAsync());

        await page.FillAsync("#goto-id", "ingest-lines");
        await page.ClickAsync("#goto button[type=submit]");
        await page.WaitForSelectorAsync("#detail h2:has-text('ingest-lines')");
        await page.GoBackAsync();
        await page.WaitForSelectorAsync("#instances table");

        await page.SetViewportSizeAsync(420, 900); // a narrow window still shows the list (it scrolls sideways)
        await fx.ShotAsync(page, "02-instances-narrow");
        Assert.True(await page.IsVisibleAsync("#instances table"));
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task A_detail_page_shows_the_history_and_the_timeline()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/instance/submit-lines").ToString());
        await page.WaitForSelectorAsync("#history tbody tr");
        await fx.ShotAsync(page, "03-instance-detail");
        JsonNode status = await fx.GetAsync("runtime/webhooks/durabletask/instances/submit-lines?showHistory=true");
        int events = status["historyEvents"]!.AsArray().Count;
        Assert.Equal(events, await page.Locator("#history tbody tr").CountAsync());
        Assert.True(await page.Locator("#gantt .seg").CountAsync() >= 3); // FindUnembedded, ChunkAndSerialize ×3, SubmitBatch ×3
        Assert.Contains("ChunkAndSerialize", await page.InnerTextAsync("#gantt"), StringComparison.Ordinal);
        Assert.Contains("\"outcome\": \"submitted\"", await page.InnerTextAsync("#detail"), StringComparison.Ordinal);

        // Both time columns of the history in one form (they used to mix local and ISO times).
        ILocator completed = page.Locator("#history tbody tr", new() { HasText = "TaskCompleted" }).First;
        string scheduled = await completed.Locator("td").Nth(3).InnerTextAsync();
        string timestamp = await completed.Locator("td").Nth(4).InnerTextAsync();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$", scheduled);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$", timestamp);
        await fx.ShotAsync(page, "03-instance-detail");
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task Terminating_a_long_running_instance_works_from_the_page()
    {
        Assert.Equal("Running", (string)(await fx.GetAsync("runtime/webhooks/durabletask/instances/ingest-slow"))["runtimeStatus"]!);
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/instance/ingest-slow").ToString());
        await page.WaitForSelectorAsync("#detail .badge.Running");
        await fx.ShotAsync(page, "04-before-terminate");
        await page.ClickAsync("button[data-act=terminate]"); // the confirmation dialog is accepted
        await page.WaitForSelectorAsync("#detail h2 .badge.Terminated", new PageWaitForSelectorOptions { Timeout = 30_000 });
        await fx.ShotAsync(page, "05-after-terminate");
        Assert.Equal("Terminated", (string)(await fx.GetAsync("runtime/webhooks/durabletask/instances/ingest-slow"))["runtimeStatus"]!);
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_batches_table_shows_the_right_counts_and_costs()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/batches").ToString());
        await page.WaitForSelectorAsync("#batch-table tbody tr");
        JsonArray batches = (await fx.GetAsync("api/batches?collection=lines")).AsArray();
        Assert.Equal(3, batches.Count);
        foreach (JsonNode? b in batches)
        {
            string id = (string)b!["batchId"]!;
            ILocator cells = page.Locator($"tr[data-id='{id}'] td");
            Assert.Equal("Ingested", await cells.Nth(3).InnerTextAsync());
            Assert.Equal(Num((long)b["requests"]!), await cells.Nth(4).InnerTextAsync());
            Assert.Equal(Num((long)b["counts"]!["completed"]!), await cells.Nth(5).InnerTextAsync());
            Assert.Equal(Usd((decimal)b["estimatedUsd"]!), await cells.Nth(8).InnerTextAsync());
            Assert.Equal(Usd((decimal)b["actualUsd"]!), await cells.Nth(9).InnerTextAsync());
        }

        await fx.ShotAsync(page, "06-batches");
        await page.ClickAsync($"tr[data-id='{(string)batches[0]!["batchId"]!}']");
        await page.WaitForSelectorAsync("#batch-detail-card h3:has-text('At the provider')");
        Assert.Contains("\"status\": \"completed\"", await page.InnerTextAsync("#batch-detail-card"), StringComparison.Ordinal);
        await fx.ShotAsync(page, "07-batch-detail");
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_dashboard_numbers_equal_the_collection_stats()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/dashboard/lines").ToString());
        await page.WaitForSelectorAsync("#d-items");
        JsonNode stats = await fx.GetAsync("api/collections/lines/stats");
        foreach (string status in new[] { "None", "Pending", "Succeeded", "Failed" })
        {
            Assert.Equal(Num((long)stats["items"]![status]!), await page.InnerTextAsync($"#d-items dd[data-status={status}]"));
        }

        Assert.Equal(Num((long)stats["index"]!["vectors"]!), await page.InnerTextAsync("#d-vectors"));
        Assert.Equal(Usd((decimal)stats["estimatedUsd"]!), await page.InnerTextAsync("#d-projected"));
        Assert.StartsWith(Usd((decimal)stats["actualUsd"]!), await page.InnerTextAsync("#d-actual"), StringComparison.Ordinal);
        Assert.Equal(Num((long)stats["tokens"]!), await page.InnerTextAsync("#d-tokens"));
        Assert.Equal("3", await page.InnerTextAsync("#d-batches dd[data-status=Ingested]"));
        Assert.Equal(Num((long)stats["queue"]!["enqueuedTokens"]!), (await page.InnerTextAsync("#d-enqueued")).Split(' ')[0]);
        Assert.Equal($"{Num((long)stats["queue"]!["queuedBatches"]!)} batches, {Num((long)stats["queue"]!["queuedTokens"]!)} tokens", await page.InnerTextAsync("#d-queued"));
        Assert.Equal(4, await page.Locator("svg.chart circle").CountAsync()); // the origin and one point per ingested batch
        await fx.ShotAsync(page, "08-dashboard");

        // The buttons go through the same API; on another collection, so the other tests' instances stay as they are.
        await page.SelectOptionAsync("#d-collection", "slow");
        await page.WaitForSelectorAsync("#d-vectors");
        await page.ClickAsync("#do-submit"); // dry run is on by default: it plans and submits nothing
        await page.WaitForSelectorAsync("#run-result a");
        Assert.Equal("submit-slow", await page.InnerTextAsync("#run-result a"));
        await fx.ShotAsync(page, "09-dashboard-dry-run");
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_labels_view_shows_each_receipts_labels_with_their_outcome_and_reason()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/labels").ToString());
        await page.WaitForSelectorAsync("#l-counts");
        JsonNode stats = await fx.GetAsync("api/labels/stats");
        Assert.Equal(fx.Labels.Count, (long)stats["total"]!);
        foreach (string status in new[] { "None", "Pending", "Valid", "Invalid", "NeedsReview" })
        {
            Assert.Equal(Num((long)stats["byStatus"]![status]!), await page.InnerTextAsync($"#l-counts dd[data-status={status}]"));
        }

        // Every label of every receipt, under its receipt's heading, with the outcome and reason the API gives.
        await page.SelectOptionAsync("#l-limit", "1000");
        await page.ClickAsync("#lf button[type=submit]");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#label-table tr[data-id]').length === {fx.Labels.Count}");
        JsonArray all = (await fx.GetAsync("api/labels?limit=1000"))["labels"]!.AsArray();
        Assert.Equal(fx.Labels.Select(l => l.ReceiptKey).Distinct().Order(StringComparer.Ordinal), await page.Locator("#label-table th[data-receipt]").EvaluateAllAsync<string[]>("hs => hs.map(h => h.dataset.receipt)"));
        foreach (JsonNode? l in all)
        {
            ILocator cells = page.Locator($"tr[data-id='{(string)l!["id"]!}'] td");
            Assert.Equal((string)l["validationStatus"]!, await cells.Nth(3).InnerTextAsync());
            Assert.Equal((string?)l["suggestedLabel"] ?? string.Empty, await cells.Nth(4).InnerTextAsync());
            Assert.Equal((string)l["reasoning"]!, await cells.Nth(5).InnerTextAsync());
            Assert.Equal(Num((long)l["attempts"]!), await cells.Nth(6).InnerTextAsync());
        }

        Assert.Contains(all, l => (string)l!["validationStatus"]! == "Invalid"); // the emulator's rule judges some labels wrong
        await fx.ShotAsync(page, "10-labels");

        // One receipt's invalid labels, from a link to the receipt and the status filter.
        string receipt = fx.Labels[0].ReceiptKey;
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/labels/" + Uri.EscapeDataString(receipt)).ToString());
        await page.WaitForSelectorAsync("#label-table");
        await page.SelectOptionAsync("#l-status", "Invalid");
        var invalid = all.Where(l => (string)l!["imageId"]! + "/" + (int)l["receiptId"]! == receipt && (string)l["validationStatus"]! == "Invalid").Select(l => (string)l!["id"]!).ToList();
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('#label-table tr[data-id]').length === {invalid.Count} && document.querySelectorAll('#label-table th[data-receipt]').length === 1");
        Assert.Equal(invalid.Order(StringComparer.Ordinal), (await page.Locator("#label-table tr[data-id]").EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.id)")).Order(StringComparer.Ordinal));
        await fx.ShotAsync(page, "11-labels-one-receipt");

        // The completion batch that judged them is in the batches view beside the embedding batches.
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/batches").ToString());
        await page.WaitForSelectorAsync("#batch-table tbody tr");
        string batchId = (string)(await fx.GetAsync("api/batches?collection=labels")).AsArray().Single()!["batchId"]!;
        Assert.Equal("Completion", await page.Locator($"tr[data-id='{batchId}'] td").Nth(2).InnerTextAsync());
        await page.CloseAsync();
    }

    [Fact(Timeout = 120_000)]
    public async Task The_migrations_view_shows_progress_counts_the_verify_report_and_the_swap_history()
    {
        IPage page = await fx.SignedInPageAsync();
        await page.GotoAsync(new Uri(fx.Host.BaseUrl, "monitor#/migrations").ToString());
        await page.WaitForSelectorAsync("#migration-table");
        await page.ClickAsync("#migration-table a:has-text('lines-256')");
        await page.WaitForSelectorAsync("#migration-card");
        JsonNode status = await fx.GetAsync("api/migrations/lines-256");
        Assert.StartsWith("100.0%", await page.InnerTextAsync("#m-percent"), StringComparison.Ordinal);
        Assert.Equal("100", await page.GetAttributeAsync("#migration-card [role=progressbar]", "aria-valuenow"));
        foreach (string k in new[] { "succeeded", "pending", "none", "failed" })
        {
            Assert.Equal(Num((long)status["progress"]!["items"]![k]!), await page.InnerTextAsync($"#m-counts dd[data-count={k}]"));
        }

        Assert.Equal(Num(300), await page.InnerTextAsync("#m-vectors"));
        Assert.Equal((string)status["sourceIndex"]!, await page.InnerTextAsync("#m-serving")); // rolled back
        Assert.Equal(4, await page.Locator("#verify-table tbody tr").CountAsync());
        Assert.Contains("Passed", await page.InnerTextAsync("#m-verify"), StringComparison.Ordinal);
        Assert.Equal(["swap", "rollback"], await page.Locator("#swap-table tbody tr td:nth-child(2)").AllInnerTextsAsync());
        await fx.ShotAsync(page, "12-migration");
        await page.CloseAsync();
    }

    private static string Num(long v) => v.ToString("N0", CultureInfo.GetCultureInfo("en-US"));

    private static string Usd(decimal v) => "$" + v.ToString("0.000000", CultureInfo.InvariantCulture);
}
