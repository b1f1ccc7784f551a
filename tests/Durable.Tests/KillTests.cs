namespace BatchEmbed.DurableTask.Tests;

/// <summary>
/// Tests that SIGKILL processes at random moments run alone, after the others: their kills must land mid-run, and
/// on two shared cores another test's load would move those moments.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillTests
{
    public const string Name = "Crash tests";
}
