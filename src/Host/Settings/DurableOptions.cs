namespace BatchEmbed.Hosting.Settings;

/// <summary>host.json <c>extensions.durableTask</c>, and where the durable backend is.</summary>
public sealed class DurableOptions
{
    public const string Section = "AzureFunctionsJobHost:extensions:durableTask";

    public string HubName { get; set; } = "BatchEmbed";

    public int MaxConcurrentActivityFunctions { get; set; } = 16;

    public int MaxConcurrentOrchestratorFunctions { get; set; } = 8;

    public DurableOptions Validate()
    {
        if (MaxConcurrentActivityFunctions < 1 || MaxConcurrentOrchestratorFunctions < 1)
        {
            throw new InvalidOperationException("host.json durableTask concurrency limits must be at least 1.");
        }

        return this;
    }
}
