using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>The Durable Task patterns on the real SDK worker and client, against our backend over loopback gRPC.</summary>
public sealed class OrchestrationScenarioTests
{
    [Fact(Timeout = 60_000)]
    public async Task Function_chaining_runs_activities_in_order_and_the_history_streams_back()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddActivityFunc<string, string>("SayHello", (_, city) => $"Hello {city}!")
            .AddOrchestratorFunc<object?, List<string>>("Chain", async (ctx, _) =>
            [
                await ctx.CallActivityAsync<string>("SayHello", "Tokyo"),
                await ctx.CallActivityAsync<string>("SayHello", "Seattle"),
                await ctx.CallActivityAsync<string>("SayHello", "London"),
            ]));

        OrchestrationMetadata m = await h.RunAsync("Chain");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], m.ReadOutputAs<List<string>>());

        IList<HistoryEvent> history = await h.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        Assert.Equal(EventType.OrchestratorStarted, history[0].EventType);
        Assert.Equal(EventType.ExecutionStarted, history[1].EventType);
        Assert.Equal(3, history.Count(e => e.EventType == EventType.TaskScheduled));
        Assert.Equal(["\"Hello Tokyo!\"", "\"Hello Seattle!\"", "\"Hello London!\""], history.OfType<TaskCompletedEvent>().Select(e => e.Result));
        Assert.Single(history, e => e.EventType == EventType.ExecutionCompleted);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fan_out_fan_in_of_1000_activities_sums_every_result()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddActivityFunc<int, long>("Square", (_, n) => (long)n * n)
            .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
            {
                long[] results = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<long>("Square", i)));
                return results.Sum();
            }));

        OrchestrationMetadata m = await h.RunAsync("FanOut", 1000, timeoutSeconds: 110);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 1000).Sum(i => (long)i * i), m.ReadOutputAs<long>());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_durable_timer_fires_and_the_time_comes_from_the_history()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<object?, double>("Sleep", async (ctx, _) =>
            {
                DateTime start = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
                return (ctx.CurrentUtcDateTime - start).TotalSeconds;
            }));

        OrchestrationMetadata m = await h.RunAsync("Sleep");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.True(m.ReadOutputAs<double>() >= 1.0, $"woke after {m.ReadOutputAs<double>()} s");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timer_longer_than_the_sdk_maximum_interval_is_split_into_a_chain()
    {
        await using var h = await SidecarHarness.StartAsync(
            r => r.AddOrchestratorFunc<object?, string>("LongTimer", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromSeconds(3), CancellationToken.None);
                return "done";
            }),
            worker: o => o.MaximumTimerInterval = TimeSpan.FromSeconds(1));

        OrchestrationMetadata m = await h.RunAsync("LongTimer");
        Assert.Equal("done", m.ReadOutputAs<string>());
        IList<HistoryEvent> history = await h.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        List<TimerCreatedEvent> timers = history.OfType<TimerCreatedEvent>().ToList();
        Assert.True(timers.Count >= 2, "the 3 s timer should be a chain of timers of at most 1 s"); // fewer links when an episode runs late
        Assert.All(timers, t => Assert.True(t.FireAt - t.Timestamp <= TimeSpan.FromSeconds(1.05), $"a link of {t.FireAt - t.Timestamp}"));
        Assert.True(timers[^1].FireAt - history.OfType<ExecutionStartedEvent>().Single().Timestamp >= TimeSpan.FromSeconds(3));
        Assert.Equal(timers.Count, history.Count(e => e.EventType == EventType.TimerFired));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timer_pending_when_the_backend_stops_fires_after_a_restart()
    {
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestratorFunc<object?, string>("LongSleep", async (ctx, _) =>
        {
            await ctx.CreateTimer(TimeSpan.FromSeconds(3), CancellationToken.None);
            return "woke";
        });

        string db = Backend.NewDatabasePath();
        string id;
        await using (var first = await SidecarHarness.StartAsync(Tasks, db))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("LongSleep");
            await WaitForHistory(first.Client, id, EventType.TimerCreated);
        }

        await using var second = await SidecarHarness.StartAsync(Tasks, db);
        OrchestrationMetadata m = await second.Sdk.WaitAsync(id);
        Assert.Equal("woke", m.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task External_events_raised_before_and_after_the_wait_are_both_delivered()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<object?, string>("Approve", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(500), CancellationToken.None);
                string early = await ctx.WaitForExternalEvent<string>("early");
                string late = await ctx.WaitForExternalEvent<string>("late");
                return $"{early}+{late}";
            }));

        string id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Approve");
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Client.RaiseEventAsync(id, "early", "a"); // buffered: the orchestration is still in its timer
        await WaitForHistory(h.Client, id, EventType.TimerFired);
        await Task.Delay(300);
        await h.Client.RaiseEventAsync(id, "late", "b");
        OrchestrationMetadata m = await h.Sdk.WaitAsync(id);
        Assert.Equal("a+b", m.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Sub_orchestrations_return_results_and_failures_to_their_parent()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Child", (ctx, n) => n < 0 ? throw new InvalidOperationException("negative") : Task.FromResult(n * 10))
            .AddOrchestratorFunc<object?, string>("Parent", async (ctx, _) =>
            {
                int a = await ctx.CallSubOrchestratorAsync<int>("Child", 4, new SubOrchestrationOptions { InstanceId = ctx.InstanceId + "-child-a" });
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("Child", -1);
                    return "no failure";
                }
                catch (TaskFailedException e)
                {
                    return $"{a}; {e.FailureDetails.ErrorMessage}";
                }
            }));

        OrchestrationMetadata m = await h.RunAsync("Parent", instanceId: "parent-1");
        Assert.Equal("40; negative", m.ReadOutputAs<string>());
        OrchestrationMetadata? child = await h.Client.GetInstanceAsync("parent-1-child-a");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task ContinueAsNew_restarts_with_new_input_and_keeps_unprocessed_events()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                if (n < 3)
                {
                    ctx.ContinueAsNew(n + 1, preserveUnprocessedEvents: true);
                    return n;
                }

                return n + await ctx.WaitForExternalEvent<int>("bonus");
            }));

        string id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Counter", 0);
        await h.Client.RaiseEventAsync(id, "bonus", 100); // may arrive in any execution: it is carried forward
        OrchestrationMetadata m = await h.Sdk.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(103, m.ReadOutputAs<int>());
        Assert.Equal("3", (await h.Client.GetInstanceAsync(id, true))!.SerializedInput);
    }

    [Fact(Timeout = 60_000)]
    public async Task Activity_retries_follow_the_RetryPolicy_until_one_succeeds()
    {
        int calls = 0;
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddActivityFunc<object?, int>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3 ? throw new TimeoutException("try again") : calls)
            .AddOrchestratorFunc<object?, int>("Retry", (ctx, _) => ctx.CallActivityAsync<int>("Flaky", null,
                TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromMilliseconds(200), backoffCoefficient: 1.5)))));

        OrchestrationMetadata m = await h.RunAsync("Retry");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(3, m.ReadOutputAs<int>());
        IList<HistoryEvent> history = await h.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        Assert.Equal(2, history.Count(e => e.EventType == EventType.TaskFailed));
        Assert.True(history.Count(e => e.EventType == EventType.TimerFired) >= 2, "each retry waits on a durable timer");
    }

    [Fact(Timeout = 60_000)]
    public async Task Custom_status_is_visible_while_running_and_after_completion()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<object?, string>("Status", async (ctx, _) =>
            {
                ctx.SetCustomStatus(new { phase = "waiting" });
                await ctx.WaitForExternalEvent<string>("go");
                ctx.SetCustomStatus(new { phase = "done" });
                return "ok";
            }));

        string id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Status");
        await WaitUntil(async () => (await h.Client.GetInstanceAsync(id, true))?.SerializedCustomStatus?.Contains("waiting", StringComparison.Ordinal) == true);
        await h.Client.RaiseEventAsync(id, "go", "now");
        OrchestrationMetadata m = await h.Sdk.WaitAsync(id);
        Assert.Contains("done", m.SerializedCustomStatus, StringComparison.Ordinal);
    }

    internal static async Task WaitForHistory(DurableTaskClient client, string id, EventType type, int count = 1)
    {
        await WaitUntil(async () => (await client.GetOrchestrationHistoryAsync(id)).Count(e => e.EventType == type) >= count);
    }

    internal static async Task WaitUntil(Func<Task<bool>> condition, int timeoutSeconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            await Task.Delay(50);
        }
    }
}
