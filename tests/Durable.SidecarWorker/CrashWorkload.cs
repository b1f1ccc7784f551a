using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace BatchEmbed.Durable.SidecarWorker;

/// <summary>
/// The crash tests' workloads: a fan-out whose activities record a side effect (at least once) in a file, and many
/// small orchestrations that call and signal counter entities (each operation must be applied exactly once).
/// </summary>
public static class CrashWorkload
{
    public const string FanOut = "CrashFanOut";
    public const string Record = "CrashRecord";
    public const string Bump = "CrashBump";
    public const int Counters = 10;

    private static readonly Lock s_effects = new();

    /// <summary>
    /// Registers the workloads. Each activity takes <paramref name="workMs"/> and each entity operation a tenth of it, so
    /// kills land mid-run (and entity batches still commit between them).
    /// </summary>
    public static void Register(DurableTaskRegistry registry, string effectsPath, int workMs)
    {
        ArgumentNullException.ThrowIfNull(registry);
        CrashCounter.WorkMs = workMs / 10;
        registry
            .AddActivityFunc<int, long>(Record, async (_, i) =>
            {
                await Task.Delay(workMs);
                lock (s_effects)
                {
                    File.AppendAllText(effectsPath, $"{i}\n");
                }

                return (long)i * 2;
            })
            .AddOrchestratorFunc<int, long>(FanOut, async (ctx, n) =>
            {
                long[] results = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<long>(Record, i)));
                return results.Sum();
            })
            .AddOrchestratorFunc<int, int>(Bump, async (ctx, i) =>
            {
                // Bumps start over fifteen seconds (on durable timers), so the entity work goes on while processes are killed.
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(i * 37 % 100 * 150), CancellationToken.None);
                int slot = i % Counters;
                await ctx.Entities.CallEntityAsync(new EntityInstanceId(nameof(CrashCounter), $"called-{slot}"), "add", 1);
                await ctx.Entities.SignalEntityAsync(new EntityInstanceId(nameof(CrashCounter), $"signalled-{slot}"), "add", 1);
                return await ctx.Entities.CallEntityAsync<int>(new EntityInstanceId(nameof(CrashCounter), $"called-{slot}"), "get");
            })
            .AddEntity<CrashCounter>();
    }

    /// <summary>The entity operations applied so far: the sum of every counter.</summary>
    public static async Task<int> AppliedOperations(Microsoft.DurableTask.Client.DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        int sum = 0;
        for (int slot = 0; slot < Counters; slot++)
        {
            foreach (string kind in new[] { "called", "signalled" })
            {
                sum += (await client.Entities.GetEntityAsync<int>(new EntityInstanceId(nameof(CrashCounter), $"{kind}-{slot}")))?.State ?? 0;
            }
        }

        return sum;
    }

    /// <summary>The sum the fan-out of <paramref name="n"/> returns.</summary>
    public static long FanOutSum(int n) => Enumerable.Range(0, n).Sum(i => (long)i * 2);

    /// <summary>The distinct activity inputs recorded so far (a line cut short by a kill is ignored).</summary>
    public static HashSet<int> Recorded(string effectsPath) => File.Exists(effectsPath)
        ? File.ReadAllLines(effectsPath).Where(l => int.TryParse(l, out _)).Select(int.Parse).ToHashSet()
        : [];
}

/// <summary>A counter entity of the crash workload.</summary>
public sealed class CrashCounter : TaskEntity<int>
{
    public static int WorkMs { get; set; }

    public void Add(int amount)
    {
        Thread.Sleep(WorkMs);
        State += amount;
    }

    public int Get() => State;
}
