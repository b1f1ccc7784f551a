using BatchEmbed.Domain.Labels;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Pricing;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>The label-validation prompt, fingerprint, provider profile and price, resolved once from settings.</summary>
public sealed class CompletionConfig
{
    public CompletionConfig(CompletionOptions options, PipelineOptions pipeline, ProviderProfile profile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pipeline);
        Options = options;
        Profile = profile;
        PromptSettings = options.PromptSettings();
        Prompt = new LabelPrompt(PromptSettings);
        Fingerprint = PromptSettings.Fingerprint();
        Allowed = PromptSettings.AllowedLabels.ToHashSet(StringComparer.Ordinal);
        Price = PriceTable.Get(string.IsNullOrWhiteSpace(options.PriceModel) ? options.Model : options.PriceModel);
        MaxTokensPerBatch = pipeline.MaxTokensPerBatchFor(options.Model);
    }

    public CompletionOptions Options { get; }

    public ProviderProfile Profile { get; }

    public LabelPromptSettings PromptSettings { get; }

    public LabelPrompt Prompt { get; }

    public string Fingerprint { get; }

    public IReadOnlySet<string> Allowed { get; }

    public ModelPrice Price { get; }

    public long? MaxTokensPerBatch { get; }

    public ChatPlanSettings PlanSettings(string salt) =>
        new(Options.LabelsCollection, Options.Model, Profile, MaxTokensPerBatch, Price: Price, BatchIdSalt: salt);

    /// <summary>Refuses work planned under another prompt or model (settings changed while a run was in flight).</summary>
    public void EnsureFingerprint(string fingerprint)
    {
        if (!string.Equals(fingerprint, Fingerprint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"This run was planned for fingerprint {fingerprint} but the host now validates with {Fingerprint} ({Options.Model}, prompt {Options.PromptVersion}); start a new submission.");
        }
    }
}
