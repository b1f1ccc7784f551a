using BatchEmbed.Workflows.Pipeline;
using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>Retry policies for activities: transient failures retry with backoff on durable timers; permanent ones do not.</summary>
internal static class Retries
{
    /// <summary>For calls to the provider: 5 attempts, 2 s doubling to 1 min.</summary>
    public static TaskOptions Provider { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(5, TimeSpan.FromSeconds(2), 2.0, TimeSpan.FromMinutes(1)) { HandleFailure = f => !f.IsCausedBy<PermanentFailureException>() });

    /// <summary>For local work (stores, files): 3 attempts, 1 s apart.</summary>
    public static TaskOptions Local { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(3, TimeSpan.FromSeconds(1)) { HandleFailure = f => !f.IsCausedBy<PermanentFailureException>() });
}
