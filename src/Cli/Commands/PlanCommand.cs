using System.CommandLine;
using BatchEmbed.Connectors.Files;
using BatchEmbed.Domain.Chunking;
using BatchEmbed.Domain.Fingerprints;
using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>plan --corpus FILE.ndjson --out DIR</c>: write batch input files and print the plan and its cost.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var corpus = new Option<string>("--corpus") { Description = "NDJSON of {\"id\",\"text\",\"groupKey\"?,\"metadata\"?} lines, or - for standard input.", Required = true };
        var outDir = new Option<string>("--out") { Description = "Directory for the batch files ({batchId}.jsonl).", Required = true };
        var collection = new Option<string?>("--collection") { Description = "Collection name used in custom ids (default: the corpus file name, e.g. 'lines')." };
        var provider = new Option<string>("--provider") { Description = "Provider profile whose limits the files respect.", DefaultValueFactory = _ => "openai" };
        provider.AcceptOnlyFromAmong("openai", "azure", "emulator");
        var model = new Option<string>("--model") { Description = "Embedding model (Azure: the deployment name, with --encoding and a known model's price via --price-model).", DefaultValueFactory = _ => EmbeddingModels.TextEmbedding3Small };
        var dimensions = new Option<int?>("--dimensions") { Description = "Vector length to request (text-embedding-3 models); default: the model's." };
        var format = new Option<string?>("--encoding-format") { Description = "float or base64 (smaller result files)." };
        format.AcceptOnlyFromAmong("float", "base64");
        var budget = new Option<decimal?>("--budget") { Description = "Budget in USD; a plan that costs more is refused (exit code 3)." };
        var maxTokens = new Option<long?>("--max-tokens-per-batch") { Description = "Cap on tokens per batch, for enqueued-token limits." };
        var window = new Option<int>("--window") { Description = "Tokens per chunk for long texts.", DefaultValueFactory = _ => ChunkerSettings.Default.WindowTokens };
        var overlap = new Option<double>("--overlap") { Description = "Overlap between chunks, as a fraction of the window.", DefaultValueFactory = _ => ChunkerSettings.Default.OverlapFraction };
        var encoding = new Option<string?>("--encoding") { Description = "Tokenizer encoding, when the model name does not say (Azure deployments)." };
        var priceModel = new Option<string?>("--price-model") { Description = "Price the plan as this model (for Azure deployment names)." };
        var json = new Option<bool>("--json") { Description = "Print the plan as JSON instead of a table." };

        var command = new Command("plan", "Plan the embedding batches for a corpus: chunk, write batch files within the provider's limits, project the cost.")
        {
            corpus, outDir, collection, provider, model, dimensions, format, budget, maxTokens, window, overlap, encoding, priceModel, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string corpusPath = parse.GetValue(corpus)!;
            string name = parse.GetValue(collection) ?? DefaultCollection(corpusPath);
            string modelName = parse.GetValue(model)!;
            var target = EmbeddingTarget.Create(modelName, parse.GetValue(dimensions), new ChunkerSettings(parse.GetValue(window), parse.GetValue(overlap)));
            var settings = new EmbeddingPlanSettings(
                name,
                target,
                ProviderProfile.Get(parse.GetValue(provider)!),
                parse.GetValue(format),
                parse.GetValue(maxTokens),
                parse.GetValue(encoding),
                parse.GetValue(priceModel) is { } pm ? PriceTable.Get(pm) : null);
            return await RunAsync(corpusPath, parse.GetValue(outDir)!, settings, parse.GetValue(budget), parse.GetValue(json), parse.InvocationConfiguration.Output, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(string corpusPath, string outDir, EmbeddingPlanSettings settings, decimal? budget, bool asJson, TextWriter output, CancellationToken ct)
    {
        var planner = new EmbeddingBatchPlanner(settings);
        var sink = new DirectoryBatchFileSink(outDir);
        string source = InputFiles.DisplayName(corpusPath);
        var intake = new ItemIntake(source, BatchPlan.MaxErrorsKept);
        BatchPlan plan;
        await using (Stream stream = InputFiles.Open(corpusPath))
        {
            plan = await planner.PlanAsync(intake.ItemsAsync(stream, ct), sink, ct);
        }

        plan.AddSkippedEmpty(intake.EmptyTexts);
        foreach (LineError e in intake.Errors)
        {
            plan.AddError(e);
        }

        plan.AddUnkeptErrors(intake.ErrorCount - intake.Errors.Count);
        string what = $"{plan.Batches.Count} {(plan.Batches.Count == 1 ? "batch" : "batches")}, {plan.Tokens:N0} tokens of {settings.Target.Model}";
        BudgetDecision decision = BudgetGate.Check(plan.EstimatedUsd, budget, 0m, what);
        var report = new PlanReport(plan, settings, decision, sink.DirectoryPath);
        await output.WriteAsync(asJson ? report.ToJson() : report.ToTable());
        if (!decision.Allowed)
        {
            return CliApp.BudgetRefused;
        }

        return plan.ErrorCount > 0 ? CliApp.InputRejected : CliApp.Ok;
    }

    private static string DefaultCollection(string corpusPath)
    {
        string stem = corpusPath == "-" ? "items" : Path.GetFileNameWithoutExtension(corpusPath).ToLowerInvariant();
        return CollectionName.IsValid(stem) ? stem : "items";
    }
}
