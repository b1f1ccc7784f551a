using System.Globalization;
using System.Text.RegularExpressions;

namespace BatchEmbed.Domain.Quota;

/// <summary>
/// Recognises the provider's refusal for its enqueued-token limit: OpenAI fails the batch after validation with the
/// error code <c>token_limit_exceeded</c>; Azure OpenAI's "fail fast" regions refuse the create with HTTP 400 and the
/// same code. Where the message states the limit (OpenAI: "Limit: 3,000,000 enqueued tokens"; the emulator: "the limit
/// is 3000000"), it is read as a fact; otherwise nothing is assumed.
/// </summary>
public static partial class EnqueuedLimitRefusal
{
    public const string Code = "token_limit_exceeded";

    /// <summary>True for an error line of the form <c>token_limit_exceeded: …</c> (how batch errors are recorded).</summary>
    public static bool IsRefusal(string error) =>
        error is not null && error.StartsWith(Code, StringComparison.Ordinal);

    public static bool IsRefusal(IEnumerable<string> errors) => errors.Any(IsRefusal);

    /// <summary>The limit the provider stated in its refusal, if it stated one.</summary>
    public static long? StatedLimit(string? message)
    {
        if (message is null)
        {
            return null;
        }

        Match m = LimitPattern().Match(message);
        return m.Success && long.TryParse(m.Groups["n"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0
            ? n
            : null;
    }

    [GeneratedRegex(@"(?:\bLimit:\s*|\bthe limit is\s+)(?<n>\d[\d,]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LimitPattern();
}
