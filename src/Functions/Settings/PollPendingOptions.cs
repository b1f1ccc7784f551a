using BatchEmbed.Functions.Timers;

namespace BatchEmbed.Functions.Settings;

/// <summary>The PollPending timer: the <c>PollPending__*</c> settings.</summary>
public sealed class PollPendingOptions
{
    public const string Section = "PollPending";

    /// <summary>NCRONTAB, six fields, UTC. Default: every 30 seconds.</summary>
    public string Schedule { get; set; } = "*/30 * * * * *";

    public bool Enabled { get; set; } = true;

    public PollPendingOptions Validate()
    {
        if (!NcrontabSchedule.TryParse(Schedule, out _))
        {
            throw new InvalidOperationException($"PollPending__Schedule '{Schedule}' is not an NCRONTAB expression (six fields: second minute hour day month day-of-week).");
        }

        return this;
    }
}
