using NCrontab;

namespace BatchEmbed.Hosting.Settings;

/// <summary>The PollPending timer: the <c>PollPending__*</c> settings.</summary>
public sealed class PollPendingOptions
{
    public const string Section = "PollPending";

    /// <summary>NCRONTAB, six fields, UTC. Default: every 30 seconds.</summary>
    public string Schedule { get; set; } = "*/30 * * * * *";

    public bool Enabled { get; set; } = true;

    public PollPendingOptions Validate()
    {
        _ = ParseSchedule(Schedule);
        return this;
    }

    /// <summary>
    /// Parses an NCRONTAB expression as the Functions timer trigger does: six fields (second minute hour day month
    /// day-of-week), or five without the seconds.
    /// </summary>
    public static CrontabSchedule ParseSchedule(string? expression) =>
        (string.IsNullOrWhiteSpace(expression) ? null : CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions
        {
            IncludingSeconds = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5,
        }))
        ?? throw new InvalidOperationException($"PollPending__Schedule '{expression}' is not an NCRONTAB expression (six fields: second minute hour day month day-of-week).");
}
