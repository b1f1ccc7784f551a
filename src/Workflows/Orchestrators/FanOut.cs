namespace BatchEmbed.Workflows.Orchestrators;

/// <summary>
/// Runs durable tasks with at most <c>max</c> outstanding at once, results in input order. Uses only durable tasks and
/// <see cref="Task.WhenAny(IEnumerable{Task})"/>, so it replays deterministically.
/// </summary>
internal static class FanOut
{
    public static async Task<IReadOnlyList<TOut>> RunAsync<TIn, TOut>(IReadOnlyList<TIn> items, int max, Func<TIn, Task<TOut>> start)
    {
        var results = new TOut[items.Count];
        var running = new Dictionary<Task<TOut>, int>();
        int next = 0;
        while (next < items.Count || running.Count > 0)
        {
            while (running.Count < max && next < items.Count)
            {
                running.Add(start(items[next]), next);
                next++;
            }

            Task<TOut> done = await Task.WhenAny(running.Keys);
            results[running[done]] = await done;
            running.Remove(done);
        }

        return results;
    }
}
