namespace BatchEmbed.Hosting;

/// <summary>The app's log messages, with stable event ids. Never log keys, secrets or request bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Host listening on {Url} (route prefix /{Prefix}); data in {DataDirectory}")]
    public static partial void Listening(ILogger logger, string url, string prefix, string dataDirectory);

    [LoggerMessage(1001, LogLevel.Warning, "No OpenAI endpoint is configured: using the built-in emulator at {Endpoint} (set OpenAI__Endpoint and OpenAI__ApiKey to use OpenAI or Azure OpenAI)")]
    public static partial void UsingEmulator(ILogger logger, Uri endpoint);

    [LoggerMessage(1002, LogLevel.Information, "Batch provider: {Profile} at {Endpoint}; model {Model}, fingerprint {Fingerprint}")]
    public static partial void Provider(ILogger logger, string profile, Uri endpoint, string model, string fingerprint);

    [LoggerMessage(1003, LogLevel.Warning, "Generated host keys into {Path}: pass the function key as x-functions-key or ?code= (the admin key opens /runtime and /monitor)")]
    public static partial void KeysGenerated(ILogger logger, string path);

    [LoggerMessage(1004, LogLevel.Warning, "Anonymous access is switched on (Host__AllowAnonymous): every API is open to anyone who can reach this port")]
    public static partial void Anonymous(ILogger logger);

    [LoggerMessage(1005, LogLevel.Information, "Durable backend {Where} {Address}")]
    public static partial void Backend(ILogger logger, string where, string address);

    [LoggerMessage(1006, LogLevel.Information, "Storage: {Provider} ({Where})")]
    public static partial void Storage(ILogger logger, string provider, string where);

    [LoggerMessage(1010, LogLevel.Debug, "PollPending: schedule {Schedule}, mode {Mode}; next at {Next:u}")]
    public static partial void TimerScheduled(ILogger logger, string schedule, string mode, DateTime? next);

    [LoggerMessage(1011, LogLevel.Debug, "PollPending started {Name} as {InstanceId}")]
    public static partial void TimerStarted(ILogger logger, string name, string instanceId);

    [LoggerMessage(1012, LogLevel.Error, "PollPending failed; it runs again at the next occurrence")]
    public static partial void TimerFailed(ILogger logger, Exception exception);
}
