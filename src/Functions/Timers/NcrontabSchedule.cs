using System.Globalization;

namespace BatchEmbed.Functions.Timers;

/// <summary>
/// An NCRONTAB schedule as Azure Functions timer triggers use it: six fields,
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c> (a five-field expression gets second 0). Each field takes
/// <c>*</c>, values, lists (<c>1,5</c>), ranges (<c>1-5</c>), steps (<c>*/5</c>, <c>10-40/10</c>), and names for
/// months (JAN-DEC) and days (SUN-SAT; 0 and 7 are Sunday). Times are UTC. As in cron, when both day and day-of-week
/// are restricted, either may match.
/// </summary>
public sealed class NcrontabSchedule
{
    private static readonly string[] s_months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] s_days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;
    private readonly bool _dayRestricted;
    private readonly bool _weekdayRestricted;

    private NcrontabSchedule(string expression, string[] f)
    {
        Expression = expression;
        _seconds = Field(f[0], 0, 59, null, "second");
        _minutes = Field(f[1], 0, 59, null, "minute");
        _hours = Field(f[2], 0, 23, null, "hour");
        _days = Field(f[3], 1, 31, null, "day");
        _months = Field(f[4], 1, 12, s_months, "month");
        bool[] weekdays = Field(f[5], 0, 7, s_days, "day-of-week");
        weekdays[0] |= weekdays[7];
        _weekdays = weekdays[..7];
        _dayRestricted = f[3] != "*";
        _weekdayRestricted = f[5] != "*";
    }

    public string Expression { get; }

    /// <summary>Parses an expression; throws <see cref="FormatException"/> naming the field that is wrong.</summary>
    public static NcrontabSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        string[] fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 5)
        {
            fields = ["0", .. fields];
        }

        if (fields.Length != 6)
        {
            throw new FormatException($"'{expression}' is not an NCRONTAB expression: expected 6 fields (second minute hour day month day-of-week), found {fields.Length}.");
        }

        return new NcrontabSchedule(expression, fields);
    }

    public static bool TryParse(string expression, out NcrontabSchedule? schedule)
    {
        try
        {
            schedule = Parse(expression);
            return true;
        }
        catch (FormatException)
        {
            schedule = null;
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), or null if there is none within 5 years.</summary>
    public DateTime? GetNextOccurrence(DateTime after)
    {
        DateTime t = DateTime.SpecifyKind(after, DateTimeKind.Utc);
        t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc).AddSeconds(1);
        DateTime limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }

            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if (!_minutes[t.Minute])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
                continue;
            }

            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }

            return t;
        }

        return null;
    }

    public override string ToString() => Expression;

    private bool DayMatches(DateTime t)
    {
        bool day = _days[t.Day];
        bool weekday = _weekdays[(int)t.DayOfWeek];
        return (_dayRestricted, _weekdayRestricted) switch
        {
            (true, true) => day || weekday,
            (true, false) => day,
            (false, true) => weekday,
            _ => true,
        };
    }

    private static bool[] Field(string text, int min, int max, string[]? names, string what)
    {
        var set = new bool[max + 1];
        foreach (string part in text.Split(','))
        {
            string range = part;
            int step = 1;
            int slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                range = part[..slash];
                if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    throw new FormatException($"Bad step in the {what} field: '{part}'.");
                }
            }

            int lo, hi;
            if (range == "*")
            {
                (lo, hi) = (min, max);
            }
            else if (range.Contains('-', StringComparison.Ordinal))
            {
                string[] ends = range.Split('-');
                if (ends.Length != 2)
                {
                    throw new FormatException($"Bad range in the {what} field: '{part}'.");
                }

                (lo, hi) = (Value(ends[0], min, max, names, what), Value(ends[1], min, max, names, what));
                if (lo > hi)
                {
                    throw new FormatException($"Range '{range}' in the {what} field runs backwards.");
                }
            }
            else
            {
                lo = Value(range, min, max, names, what);
                hi = slash >= 0 ? max : lo;
            }

            for (int v = lo; v <= hi; v += step)
            {
                set[v] = true;
            }
        }

        return set;
    }

    private static int Value(string s, int min, int max, string[]? names, string what)
    {
        if (names is not null)
        {
            int i = Array.FindIndex(names, n => string.Equals(n, s, StringComparison.OrdinalIgnoreCase));
            if (i >= 0)
            {
                return i + (min == 1 ? 1 : 0);
            }
        }

        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            throw new FormatException($"'{s}' is not a valid {what} ({min}-{max}).");
        }

        return v;
    }
}
