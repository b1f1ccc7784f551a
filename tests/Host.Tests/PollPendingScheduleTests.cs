using System.Globalization;
using BatchEmbed.Hosting.Settings;

namespace BatchEmbed.Hosting.Tests;

/// <summary>PollPending__Schedule is read by NCrontab, as the Functions timer trigger reads it.</summary>
public sealed class PollPendingScheduleTests
{
    private static readonly DateTime s_start = new(2026, 11, 21, 17, 3, 20, DateTimeKind.Utc); // a Saturday

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-21T17:05:00")]
    [InlineData("*/15 * * * * *", "2026-11-21T17:03:30")]
    [InlineData("0 0 * * * *", "2026-11-21T18:00:00")]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-23T09:30:00")]
    [InlineData("0 0 0 1 JAN *", "2027-01-01T00:00:00")]
    [InlineData("0 0 12 * * 0", "2026-11-22T12:00:00")]
    [InlineData("10,20 5-7/2 17 21 11 *", "2026-11-21T17:05:10")]
    [InlineData("*/5 * * * *", "2026-11-21T17:05:00")]
    [InlineData("0 0 0 31 * *", "2026-12-31T00:00:00")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00")]
    public void Next_occurrence_follows_each_field(string expression, string expected)
    {
        DateTime next = PollPendingOptions.ParseSchedule(expression).GetNextOccurrence(s_start);
        Assert.Equal(DateTime.Parse(expected, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), next);
    }

    [Fact]
    public void The_default_fires_every_30_seconds()
    {
        var schedule = PollPendingOptions.ParseSchedule(new PollPendingOptions().Schedule);
        DateTime t = s_start;
        for (int i = 0; i < 10; i++)
        {
            DateTime next = schedule.GetNextOccurrence(t);
            Assert.Equal(0, next.Second % 30);
            Assert.True(next > t && next - t <= TimeSpan.FromSeconds(30));
            t = next;
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 0 25 * * *")]
    [InlineData("0 0 0 0 * *")]
    [InlineData("0 0 0 * 13 *")]
    [InlineData("every minute")]
    public void Bad_expressions_stop_the_host_with_the_setting_named(string expression)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new PollPendingOptions { Schedule = expression }.Validate());
        Assert.Contains("PollPending__Schedule", ex.Message, StringComparison.Ordinal);
    }
}
