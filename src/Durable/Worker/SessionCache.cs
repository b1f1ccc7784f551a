using BatchEmbed.DurableTask.Core;

namespace BatchEmbed.DurableTask.Worker;

/// <summary>
/// Extended sessions: live executors kept between episodes, keyed by instance. An entry is used only if its execution
/// id and history length still match the store, so any other writer (a restart, another worker) forces a full replay.
/// </summary>
internal sealed class SessionCache(int capacity)
{
    private readonly Dictionary<string, (string ExecutionId, int HistoryCount, OrchestrationExecutor Executor, long Touched)> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _clock;

    public bool TryTake(string instanceId, string executionId, int historyCount, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OrchestrationExecutor? executor)
    {
        lock (_lock)
        {
            executor = null;
            if (!_entries.Remove(instanceId, out var entry))
            {
                return false;
            }

            if (entry.ExecutionId != executionId || entry.HistoryCount != historyCount)
            {
                return false;
            }

            executor = entry.Executor;
            return true;
        }
    }

    public void Put(string instanceId, string executionId, int historyCount, OrchestrationExecutor executor)
    {
        if (capacity <= 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Count >= capacity && !_entries.ContainsKey(instanceId))
            {
                string oldest = _entries.MinBy(e => e.Value.Touched).Key;
                _entries.Remove(oldest);
            }

            _entries[instanceId] = (executionId, historyCount, executor, ++_clock);
        }
    }

    public void Remove(string instanceId)
    {
        lock (_lock)
        {
            _entries.Remove(instanceId);
        }
    }
}
