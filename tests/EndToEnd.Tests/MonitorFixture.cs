using System.Buffers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Samples;
using BatchEmbed.Hosting;
using Microsoft.Playwright;

namespace BatchEmbed.EndToEnd.Tests;

/// <summary>
/// A live host that has done a real emulator run (the 'lines' collection imported, submitted and ingested), one
/// long-running ingest ('slow', waiting on a slow batch) to terminate, four generated receipts' labels validated
/// through a completion batch, a migration of 'lines' to 256 dimensions (verified, swapped and rolled back), and a
/// headless Chromium to look at it.
/// </summary>
public sealed class MonitorFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public HostApp Host { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The generated receipts' labels, validated by the time the tests run.</summary>
    public IReadOnlyList<ReceiptLabel> Labels { get; private set; } = [];

    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests drive Debian's Chromium at {ChromiumPath}: install it with `apt-get install chromium` (./test.sh does).");
        }

        Directory.CreateDirectory(Screenshots);
        string data = Directory.CreateTempSubdirectory("monitor-").FullName;
        Host = await HostApp.StartAsync([], data, new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = data,
            ["Pipeline:PageSize"] = "120",
            ["Pipeline:PollSeconds"] = "1",
            ["Pipeline:BudgetUsd"] = "0.01",
            ["OpenAI:EmulatorLinesPerSecond"] = "400",
            ["Host:Port"] = "0",
            ["PollPending:Enabled"] = "false",
            ["Completions:LinesCollection"] = "receipt-lines", // the receipts' lines apart from the 'lines' the other tests count
            ["Completions:WordsCollection"] = "receipt-words",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Api = new HttpClient { BaseAddress = Host.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("x-functions-key", Host.Keys.AdminKey);

        await ImportAsync("lines", 300);
        await RunAsync("api/embeddings/lines/submit", "submit-lines");
        await RunAsync("api/embeddings/lines/ingest", "ingest-lines", new { wait = true });
        await RunAsync("api/migrations/lines-256/start", "migrate-lines-256", new { collection = "lines", dimensions = 256, mode = "batch" });
        await RunAsync("api/migrations/lines-256/verify", "migrate-lines-256", new { queries = 5 });
        (await Api.PostAsJsonAsync("api/migrations/lines-256/swap", new { })).EnsureSuccessStatusCode();
        (await Api.PostAsJsonAsync("api/migrations/lines-256/rollback", new { })).EnsureSuccessStatusCode();
        Labels = await ImportReceiptsAsync(4);
        await RunAsync("api/validations/submit", "validate-submit");
        await RunAsync("api/validations/ingest", "validate-ingest", new { wait = true });

        // Its 334 batches of 120 lines, at one line a second each, run for minutes: the ingest waiting on them stays Running.
        Host.Emulator!.Options.LinesPerSecond = 1;
        await ImportAsync("slow", 40_000);
        await RunAsync("api/embeddings/slow/submit", "submit-slow");
        (await Api.PostAsJsonAsync("api/embeddings/slow/ingest", new { wait = true })).EnsureSuccessStatusCode();


        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task<IPage> SignedInPageAsync(int width = 1280, int height = 1000)
    {
        IPage page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(dialog.Type == "prompt" ? dialog.DefaultValue : null);
        await page.GotoAsync(new Uri(Host.BaseUrl, "monitor").ToString());
        await page.FillAsync("#key", Host.Keys.AdminKey);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#nav:not([hidden])");
        return page;
    }

    public Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = false });

    public async Task<JsonNode> GetAsync(string path) => JsonNode.Parse(await Api.GetStringAsync(path))!;

    private async Task<List<ReceiptLabel>> ImportReceiptsAsync(int count)
    {
        List<Receipt> receipts = [.. new ReceiptCorpusGenerator(11).Receipts(count)];
        await PostAsync("api/collections/receipts/items", Ndjson(receipts.Select(r => r.ToReceiptItem())));
        await PostAsync("api/collections/receipt-lines/items", Ndjson(receipts.SelectMany(r => r.ToLineItems())));
        await PostAsync("api/collections/receipt-words/items", Ndjson(receipts.SelectMany(r => r.ToWordItems())));
        List<ReceiptLabel> labels = [.. receipts.SelectMany(r => r.ToLabels())];
        await PostAsync("api/labels", string.Concat(labels.Select(l => l.ToJson() + "\n")));
        return labels;
    }

    private static string Ndjson(IEnumerable<CorpusItem> items)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (CorpusItem item in items)
        {
            CorpusItemJson.WriteLine(buffer, item);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task PostAsync(string path, string ndjson)
    {
        using HttpResponseMessage r = await Api.PostAsync(path, new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson"));
        if (!r.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }

    private async Task ImportAsync(string collection, int n)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.Append(JsonSerializer.Serialize(new { id = $"{collection}-{i:D5}", text = $"{collection} receipt line {i}: total {i % 90}.{i % 10}0 EUR" })).Append('\n');
        }

        await PostAsync($"api/collections/{collection}/items", sb.ToString());
    }

    private async Task RunAsync(string path, string id, object? body = null)
    {
        (await Api.PostAsJsonAsync(path, body ?? new { })).EnsureSuccessStatusCode();
        DateTime until = DateTime.UtcNow.AddSeconds(120);
        while ((string)(await GetAsync($"runtime/webhooks/durabletask/instances/{id}"))["runtimeStatus"]! != "Completed")
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{id} did not complete");
            }

            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Api?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
