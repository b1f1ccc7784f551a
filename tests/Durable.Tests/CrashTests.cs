using System.Diagnostics;
using BatchEmbed.DurableTask.History;
using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.DurableTask.Tests;

[Collection(KillTests.Name)]
public sealed class CrashTests
{
    [Fact(Timeout = 240_000)]
    public async Task A_500_activity_fan_out_survives_repeated_SIGKILL_and_completes_exactly_once()
    {
        string dir = Directory.CreateTempSubdirectory("crash-").FullName;
        string db = Path.Combine(dir, "hub.db");
        string effects = Path.Combine(dir, "side-effects.txt");
        const int Count = 500;
        var random = new Random(2026);
        int midFlightKills = 0;
        for (int round = 0; round < 5; round++)
        {
            int before = Done(effects);
            using Process p = Start(db, effects, Count);
            await WaitForLine(p, "STARTED", TimeSpan.FromSeconds(60));
            for (int waited = 0; Done(effects) == before && waited < 30_000; waited += 20)
            {
                await Task.Delay(20); // on a loaded machine the worker may take a while to start working
            }

            await Task.Delay(random.Next(50, 400));
            p.Kill(); // SIGKILL on Linux: no shutdown, no flush, no cleanup
            await p.WaitForExitAsync();
            int doneSoFar = Done(effects);
            if (doneSoFar is > 0 and < Count)
            {
                midFlightKills++;
            }
        }

        using (Process final = Start(db, effects, Count))
        {
            string line = await WaitForLine(final, "COMPLETED", TimeSpan.FromSeconds(120));
            Assert.Equal($"COMPLETED Completed {Enumerable.Range(0, Count).Sum(i => (long)i * 2)}", line);
            await final.WaitForExitAsync();
        }

        Assert.True(midFlightKills >= 3, $"only {midFlightKills} kills landed while the fan-out was in progress");

        var services = new ServiceCollection().AddDurableTaskClient(b => b.UseSqlite($"Data Source={db}")).BuildServiceProvider();
        DurableTaskClient client = services.GetRequiredService<DurableTaskClient>();
        OrchestrationMetadata m = (await client.GetInstanceAsync("crash-fanout", true))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        IReadOnlyList<HistoryEvent> history = await client.GetOrchestrationHistoryAsync("crash-fanout");
        Assert.Single(history, e => e.EventType == EventType.ExecutionCompleted);
        Assert.Equal(Count, history.Count(e => e.EventType == EventType.TaskCompleted));
        Assert.Equal(Count, history.Select(e => e).Where(e => e.EventType == EventType.TaskCompleted).Select(e => e.TaskScheduledId).Distinct().Count());

        HashSet<int> done = File.ReadAllLines(effects).Where(l => int.TryParse(l, out _)).Select(int.Parse).ToHashSet();
        Assert.Equal(Enumerable.Range(0, Count), done.Order());
    }

    private static int Done(string effects) => File.Exists(effects) ? File.ReadAllLines(effects).Where(l => int.TryParse(l, out _)).Distinct().Count() : 0;

    private static Process Start(string db, string effects, int count)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "BatchEmbed.Durable.CrashHost.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { dll, db, effects, "crash-fanout", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "50", "8" })
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    private static async Task<string> WaitForLine(Process p, string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"process exited without printing {prefix}: {await p.StandardError.ReadToEndAsync(CancellationToken.None)}");
    }
}
