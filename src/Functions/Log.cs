using Microsoft.Extensions.Logging;

namespace BatchEmbed.Functions;

/// <summary>The Functions app's log messages, with stable event ids. Never log keys, secrets or request bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "PollPending started {Name} as {InstanceId}")]
    public static partial void TimerStarted(ILogger logger, string name, string instanceId);
}
