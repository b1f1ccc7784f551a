using Microsoft.DurableTask;

namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>The orchestration's replay-safe time as the DateTimeOffset the entities and records use.</summary>
internal static class OrchestrationTime
{
    public static DateTimeOffset UtcNow(this TaskOrchestrationContext context) => new(context.CurrentUtcDateTime, TimeSpan.Zero);
}
