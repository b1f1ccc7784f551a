namespace BatchEmbed.Functions.Settings;

/// <summary>host.json <c>extensions.durableTask</c>.</summary>
public sealed class DurableOptions
{
    public const string Section = "AzureFunctionsJobHost:extensions:durableTask";

    public string HubName { get; set; } = "BatchEmbed";

    /// <summary>Only sqlite is available here (PostgreSQL later).</summary>
    public string StorageProvider { get; set; } = "sqlite";

    public int MaxConcurrentActivityFunctions { get; set; } = 16;

    public int MaxConcurrentOrchestratorFunctions { get; set; } = 8;

    public DurableOptions Validate()
    {
        if (!string.Equals(StorageProvider, "sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"host.json durableTask.storageProvider '{StorageProvider}' is not available; use sqlite.");
        }

        if (MaxConcurrentActivityFunctions < 1 || MaxConcurrentOrchestratorFunctions < 1)
        {
            throw new InvalidOperationException("host.json durableTask concurrency limits must be at least 1.");
        }

        return this;
    }
}
