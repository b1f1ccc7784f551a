namespace BatchEmbed.DurableTask.Worker;

/// <summary>An auto-reset signal for idle loops: wait until set or until the back-off delay passes.</summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => _tcs.TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signalled = _tcs.Task;
        await Task.WhenAny(signalled, Task.Delay(timeout, cancellationToken));
        if (signalled.IsCompleted)
        {
            Interlocked.Exchange(ref _tcs, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }
}
