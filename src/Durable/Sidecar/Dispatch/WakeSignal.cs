namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>
/// Wakes the dispatch loop; signals while it runs fold into one. The loop clears the signal before it looks for work,
/// so work added after that look signals again.
/// </summary>
internal sealed class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0); // no maximum: a stray extra release only means one spare wake-up
    private int _signalled;

    public void Set()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    public void Dispose() => _semaphore.Dispose();

    /// <summary>Waits for a signal (or the timeout), then clears it.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(timeout, cancellationToken);
        Interlocked.Exchange(ref _signalled, 0);
    }
}
