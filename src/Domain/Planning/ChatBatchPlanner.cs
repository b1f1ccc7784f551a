using BatchEmbed.Domain.Items;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Domain.Planning;

/// <summary>Streams chat requests into <c>/v1/chat/completions</c> batch files within the profile's limits.</summary>
public sealed class ChatBatchPlanner
{
    // OpenAI's published accounting for chat prompts: a few tokens per message plus the reply priming.
    private const int TokensPerMessage = 3;
    private const int ReplyPriming = 3;

    private readonly ChatPlanSettings _settings;
    private readonly Tokenizer _tokenizer;
    private readonly ModelPrice _price;

    public ChatBatchPlanner(ChatPlanSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        CollectionName.Validate(settings.Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.Model);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.ExpectedOutputTokens);
        _settings = settings;
        _tokenizer = settings.TokenizerEncoding is { } enc ? Tokenizer.ForEncoding(enc) : Tokenizer.ForModel(settings.Model);
        _price = settings.Price ?? PriceTable.Get(settings.Model);
    }

    /// <summary>Prompt tokens as the provider bills them for <paramref name="request"/>.</summary>
    public int CountPromptTokens(ChatRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int tokens = ReplyPriming;
        foreach (ChatMessage m in request.Messages)
        {
            tokens += TokensPerMessage + _tokenizer.CountTokens(m.Role) + _tokenizer.CountTokens(m.Content);
        }

        return tokens;
    }

    public async Task<BatchPlan> PlanAsync(IAsyncEnumerable<ChatRequest> requests, IBatchFileSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(sink);
        var plan = new BatchPlan(_settings.Profile, BatchEndpoints.ChatCompletions, _settings.Model, "chat:" + _settings.Model, PriceTier.Batch);
        using var lines = new RequestLineWriter();
        var limits = BatchLimits.From(_settings.Profile, _settings.MaxTokensPerBatch) with { MaxInputs = null };
        await using var writer = new BatchFileWriter(
            sink, limits, "completion", $"cmp-{_settings.Name}", BatchEndpoints.ChatCompletions, _settings.Model, plan.Fingerprint, _settings.BatchIdSalt);

        long ordinal = 0;
        decimal standard = 0;
        await foreach (ChatRequest request in requests.WithCancellation(cancellationToken))
        {
            ordinal++;
            if (string.IsNullOrEmpty(request.CustomId) || request.Messages.Count == 0)
            {
                plan.AddError(new LineError(_settings.Name, ordinal, "a chat request needs a custom id and at least one message"));
                continue;
            }

            if (writer.Contains(request.CustomId))
            {
                plan.AddError(new LineError(_settings.Name, ordinal, $"custom id '{request.CustomId}' appears twice in one batch"));
                continue;
            }

            int prompt = CountPromptTokens(request);
            int output = request.MaxCompletionTokens ?? _settings.ExpectedOutputTokens;
            ReadOnlyMemory<byte> line = lines.Chat(request.CustomId, _settings.Model, request);
            if (writer.WhyNeverFits(line.Length, prompt) is { } never)
            {
                plan.AddError(new LineError(_settings.Name, ordinal, $"request '{request.CustomId}': {never}"));
                continue;
            }

            standard += _price.Cost(prompt, output, PriceTier.Standard);
            if (await writer.AppendAsync(line, request.CustomId, 1, prompt, _price.Cost(prompt, output, PriceTier.Batch), cancellationToken) is { } closed)
            {
                plan.Add(closed);
            }

            plan.ItemsPlanned++;
        }

        if (await writer.FinishAsync(cancellationToken) is { } last)
        {
            plan.Add(last);
        }

        plan.StandardUsd = standard;
        return plan;
    }
}
