namespace BatchEmbed.DurableTask;

/// <summary>
/// Declarative retries, with Durable Task Core's delay algorithm: delay = first × coefficient^attempt (attempt from 0),
/// capped at <see cref="MaxRetryInterval"/>; no retry once <see cref="RetryTimeout"/> has passed since the first attempt.
/// Each wait is a durable timer.
/// </summary>
public sealed class RetryPolicy
{
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNumberOfAttempts);
        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), firstRetryInterval, "The first retry interval must be positive.");
        }

        if (backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be at least 1.0.");
        }

        TimeSpan max = maxRetryInterval ?? TimeSpan.FromHours(1);
        TimeSpan timeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
        if (max < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), maxRetryInterval, "The maximum retry interval must not be less than the first.");
        }

        if (timeout != Timeout.InfiniteTimeSpan && timeout < firstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(retryTimeout), retryTimeout, "The retry timeout must not be less than the first retry interval.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = max;
        RetryTimeout = timeout;
    }

    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    public TimeSpan RetryTimeout { get; }

    /// <summary>Return false to stop retrying a failure (for example a validation error).</summary>
    public Func<TaskFailureDetails, bool>? HandleFailure { get; init; }

    /// <summary>The delay before retry number <paramref name="attempt"/> + 1 (attempt counts from 0 for the first retry).</summary>
    public TimeSpan GetDelay(int attempt)
    {
        double ms = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, attempt);
        return ms >= MaxRetryInterval.TotalMilliseconds ? MaxRetryInterval : TimeSpan.FromMilliseconds(ms);
    }
}
