using BatchEmbed.Functions.Timers;

namespace BatchEmbed.Functions.Tests;

public sealed class NcrontabScheduleTests
{
    private static readonly DateTime s_start = new(2026, 11, 21, 17, 3, 20, DateTimeKind.Utc); // a Saturday

    [Theory]
    [InlineData("0 */5 * * * *", "2026-11-21T17:05:00")]
    [InlineData("*/15 * * * * *", "2026-11-21T17:03:30")]
    [InlineData("0 0 * * * *", "2026-11-21T18:00:00")]
    [InlineData("0 30 9 * * MON-FRI", "2026-11-23T09:30:00")]
    [InlineData("0 0 0 1 JAN *", "2027-01-01T00:00:00")]
    [InlineData("0 0 12 * * 0", "2026-11-22T12:00:00")]
    [InlineData("0 0 12 * * 7", "2026-11-22T12:00:00")]
    [InlineData("10,20 5-7/2 17 21 11 *", "2026-11-21T17:05:10")]
    [InlineData("*/5 * * * *", "2026-11-21T17:05:00")]
    [InlineData("0 0 0 31 * *", "2026-12-31T00:00:00")]
    [InlineData("0 0 0 29 2 *", "2028-02-29T00:00:00")]
    [InlineData("0 0 0 1 * SAT", "2026-11-28T00:00:00")]
    public void Next_occurrence_follows_each_field(string expression, string expected)
    {
        DateTime next = NcrontabSchedule.Parse(expression).GetNextOccurrence(s_start)!.Value;
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), next);
        Assert.True(next > s_start);
    }

    [Fact]
    public void Occurrences_are_strictly_increasing()
    {
        var schedule = NcrontabSchedule.Parse("*/20 * * * * *");
        DateTime t = s_start;
        for (int i = 0; i < 10; i++)
        {
            DateTime next = schedule.GetNextOccurrence(t)!.Value;
            Assert.Equal(0, next.Second % 20);
            Assert.True(next > t);
            t = next;
        }
    }

    [Theory]
    [InlineData("* * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 0 25 * * *")]
    [InlineData("0 0 0 0 * *")]
    [InlineData("0 0 0 * 13 *")]
    [InlineData("0 0 0 * * MONDAY")]
    [InlineData("*/0 * * * * *")]
    [InlineData("0 5-1 * * * *")]
    public void Bad_expressions_are_refused_with_the_field_named(string expression)
    {
        var ex = Assert.Throws<FormatException>(() => NcrontabSchedule.Parse(expression));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.False(NcrontabSchedule.TryParse(expression, out _));
    }
}
