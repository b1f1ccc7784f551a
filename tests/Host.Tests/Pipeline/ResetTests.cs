using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Blobs;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Seed 000: export and delete every BatchSummary, reset statuses to None, resubmit.</summary>
public sealed class ResetTests
{
    [Fact(Timeout = 120_000)]
    public async Task Reset_exports_every_summary_deletes_them_resets_statuses_and_resubmit_re_embeds()
    {
        await using PipelineHost host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Pipeline:PageSize"] = "25" });
        await host.ImportAsync("lines", PipelineHost.Ndjson(EndToEndTests.Corpus(60)));
        await host.ImportAsync("words", PipelineHost.Ndjson(EndToEndTests.Corpus(30, "w")));
        foreach (string c in new[] { "lines", "words" })
        {
            await host.SubmitAsync(c);
            await host.IngestAsync(c);
        }

        JsonArray before = (await host.GetAsync("api/batches")).AsArray();
        Assert.Equal(5, before.Count); // 3 pages of lines, 2 of words

        JsonObject dry = await host.RunAsync("api/embeddings/reset", new { collections = new[] { "lines", "words" }, dryRun = true });
        Assert.True((bool)dry["dryRun"]!);
        Assert.Null(dry["exportPath"]);
        Assert.Equal(5, (await host.GetAsync("api/batches")).AsArray().Count);
        Assert.Equal(60, PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded"));
        Assert.Equal(5, (int)dry["summariesExported"]!); // what it would export
        Assert.Equal(90, dry["items"]!.AsArray().Sum(i => (long)i!["before"]!["Succeeded"]!));
        Assert.Empty(dry["submissions"]!.AsArray());

        JsonObject reset = await host.RunAsync("api/embeddings/reset", new { collections = new[] { "lines", "words" }, skipSubmit = true });
        Assert.Equal(5, (int)reset["summariesExported"]!);
        Assert.Equal(5, (int)reset["summariesDeleted"]!);
        Assert.Empty((await host.GetAsync("api/batches")).AsArray());
        Assert.Equal(60, PipelineHost.Count(await host.StatsAsync("lines"), "None"));
        Assert.Equal(30, PipelineHost.Count(await host.StatsAsync("words"), "None"));

        IBlobStore blobs = host.Host.Services.GetRequiredService<IBlobStore>();
        string exportPath = (string)reset["exportPath"]!;
        Assert.Matches(@"^exports/batch_summaries_\d{8}T\d{6}Z\.ndjson$", exportPath);
        var exported = new List<JsonElement>();
        await using (Stream s = await blobs.OpenReadAsync(exportPath, CancellationToken.None))
        using (var reader = new StreamReader(s))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                exported.Add(JsonDocument.Parse(line).RootElement);
            }
        }

        Assert.Equal(before.Select(b => (string)b!["batchId"]!).Order(), exported.Select(e => e.GetProperty("batchId").GetString()!).Order());
        Assert.All(exported, e => Assert.Equal("Ingested", e.GetProperty("status").GetString()));

        JsonObject resubmit = await host.RunAsync("api/embeddings/reset", new { collections = new[] { "lines", "words" }, skipReset = true });
        Assert.Equal(5, (int)resubmit["submissions"]!.AsArray().Sum(s => (int)s!["submitted"]!));
        await host.IngestAsync("lines");
        await host.IngestAsync("words");
        Assert.Equal(60, PipelineHost.Count(await host.StatsAsync("lines"), "Succeeded"));
        Assert.Equal(30, PipelineHost.Count(await host.StatsAsync("words"), "Succeeded"));
        Assert.Equal(10, (await host.ProviderBatchesAsync()).Count); // re-embedded for real: five new batches
    }
}
