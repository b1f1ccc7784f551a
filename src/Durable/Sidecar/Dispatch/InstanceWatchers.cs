namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>Clients waiting for an instance to change (start, finish): woken by the commits that change it.</summary>
internal sealed class InstanceWatchers
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next committed change of the instance. Take it before reading the instance.</summary>
    public Task NextChange(string instanceId)
    {
        lock (_gate)
        {
            if (!_waiting.TryGetValue(instanceId, out TaskCompletionSource? tcs))
            {
                tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting[instanceId] = tcs;
            }

            return tcs.Task;
        }
    }

    public void Changed(IEnumerable<string> instanceIds)
    {
        List<TaskCompletionSource>? wake = null;
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return;
            }

            foreach (string id in instanceIds)
            {
                if (_waiting.Remove(id, out TaskCompletionSource? tcs))
                {
                    (wake ??= []).Add(tcs);
                }
            }
        }

        wake?.ForEach(t => t.TrySetResult());
    }
}
