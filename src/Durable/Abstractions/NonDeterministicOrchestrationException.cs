namespace BatchEmbed.DurableTask;

/// <summary>A replay scheduled something other than what the history recorded: the orchestrator code is not deterministic.</summary>
public sealed class NonDeterministicOrchestrationException : InvalidOperationException
{
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    public NonDeterministicOrchestrationException()
    {
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
