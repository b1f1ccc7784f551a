using BatchEmbed.DurableTask.Entities;
using BatchEmbed.DurableTask.History;

namespace BatchEmbed.DurableTask.Tests;

public sealed class ScenarioTests
{
    [Fact(Timeout = 60_000)]
    public async Task Function_chaining_runs_activities_in_order()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<string, string>("SayHello", (_, city) => $"Hello {city}!")
            .AddOrchestratorFunc<object?, List<string>>("Chain", async (ctx, _) =>
            [
                await ctx.CallActivityAsync<string>("SayHello", "Tokyo"),
                await ctx.CallActivityAsync<string>("SayHello", "Seattle"),
                await ctx.CallActivityAsync<string>("SayHello", "London"),
            ]));

        OrchestrationMetadata m = await host.RunAsync("Chain");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(["Hello Tokyo!", "Hello Seattle!", "Hello London!"], m.ReadOutputAs<List<string>>());

        IReadOnlyList<HistoryEvent> history = await host.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        Assert.Equal(3, history.Count(e => e.EventType == EventType.TaskScheduled));
        Assert.Equal(3, history.Count(e => e.EventType == EventType.TaskCompleted));
        Assert.Equal(EventType.OrchestratorStarted, history[0].EventType);
        Assert.Equal(EventType.ExecutionStarted, history[1].EventType);
        Assert.Single(history, e => e.EventType == EventType.ExecutionCompleted);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fan_out_fan_in_of_1000_activities_sums_every_result()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<int, long>("Square", (_, n) => (long)n * n)
            .AddOrchestratorFunc<int, long>("FanOut", async (ctx, n) =>
            {
                long[] results = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<long>("Square", i)));
                return results.Sum();
            }));

        OrchestrationMetadata m = await host.RunAsync("FanOut", 1000, timeoutSeconds: 110);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 1000).Sum(i => (long)i * i), m.ReadOutputAs<long>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Durable_timers_fire_and_time_comes_from_the_history()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<object?, double>("Sleep", async (ctx, _) =>
            {
                DateTime start = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
                return (ctx.CurrentUtcDateTime - start).TotalSeconds;
            }));

        OrchestrationMetadata m = await host.RunAsync("Sleep");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.True(m.ReadOutputAs<double>() >= 1.0);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_timer_pending_when_the_host_stops_fires_after_a_restart()
    {
        static void Tasks(DurableTask.Worker.DurableTaskRegistry r) => r.AddOrchestratorFunc<object?, string>("LongSleep", async (ctx, _) =>
        {
            await ctx.CreateTimer(TimeSpan.FromSeconds(3), CancellationToken.None);
            return "woke";
        });

        string id;
        string db;
        await using (var first = await TestHost.StartAsync(Tasks))
        {
            db = first.DbPath;
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("LongSleep");
            await first.Client.WaitForInstanceStartAsync(id);
        }

        await using var second = await TestHost.StartAsync(Tasks, db);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        OrchestrationMetadata m = await second.Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
        Assert.Equal("woke", m.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Long_timers_are_split_into_a_chain_no_longer_than_the_maximum_interval()
    {
        await using var host = await TestHost.StartAsync(
            r => r.AddOrchestratorFunc<object?, string>("Split", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromSeconds(2.5), CancellationToken.None);
                return "done";
            }),
            options: o => o.MaximumTimerInterval = TimeSpan.FromSeconds(1));

        OrchestrationMetadata m = await host.RunAsync("Split");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        IReadOnlyList<HistoryEvent> history = await host.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        List<HistoryEvent> timers = history.Where(e => e.EventType == EventType.TimerCreated).ToList();
        Assert.True(timers.Count >= 2, "a 2.5 s timer with a 1 s maximum interval is a chain"); // fewer links when an episode runs late
        Assert.All(timers, t => Assert.True(t.FireAt!.Value - t.Timestamp <= TimeSpan.FromSeconds(1.05), $"a link of {t.FireAt!.Value - t.Timestamp}"));
        Assert.True(timers[^1].FireAt!.Value - history.First(e => e.EventType == EventType.ExecutionStarted).Timestamp >= TimeSpan.FromSeconds(2.5));
    }

    [Fact(Timeout = 60_000)]
    public async Task External_events_are_delivered_whether_raised_before_or_after_the_wait_and_names_ignore_case()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, s) => s)
            .AddOrchestratorFunc<object?, string>("Approve", async (ctx, _) =>
            {
                await ctx.CallActivityAsync<string>("Echo", "first");
                string early = await ctx.WaitForExternalEvent<string>("early");
                string late = await ctx.WaitForExternalEvent<string>("Late");
                return early + "+" + late;
            }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approve");
        await host.Client.RaiseEventAsync(id, "EARLY", "a");
        await Task.Delay(500);
        await host.Client.RaiseEventAsync(id, "late", "b");
        OrchestrationMetadata m = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal("a+b", m.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Waiting_for_an_event_with_a_timeout_throws_when_the_timer_wins()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<object?, string>("Timeout", async (ctx, _) =>
            {
                try
                {
                    await ctx.WaitForExternalEvent<string>("never", TimeSpan.FromMilliseconds(300));
                    return "event";
                }
                catch (TimeoutException)
                {
                    return "timeout";
                }
            }));

        Assert.Equal("timeout", (await host.RunAsync("Timeout")).ReadOutputAs<string>());
    }

    [Fact(Timeout = 120_000)]
    public async Task An_entity_counter_hit_by_20_orchestrations_loses_no_increment()
    {
        var counter = new EntityInstanceId("Counter", "shared");
        await using var host = await TestHost.StartAsync(r => r
            .AddEntity<Counter>()
            .AddOrchestratorFunc<int, int>("Bump", async (ctx, times) =>
            {
                int last = 0;
                for (int i = 0; i < times; i++)
                {
                    last = await ctx.Entities.CallEntityAsync<int>(counter, "Add", 1);
                }

                await ctx.Entities.SignalEntityAsync(counter, "add", 1000);
                return last;
            }));

        string[] ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => host.Client.ScheduleNewOrchestrationInstanceAsync("Bump", 10)));
        foreach (string id in ids)
        {
            OrchestrationMetadata m = await host.Client.WaitForInstanceCompletionAsync(id, true);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        }

        int state = 0;
        for (int i = 0; i < 100 && state != 20 * 10 + 20 * 1000; i++)
        {
            await Task.Delay(100);
            state = await host.Client.Entities.GetEntityStateAsync<int>(counter);
        }

        Assert.Equal(20 * 10 + 20 * 1000, state);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_entity_operation_leaves_state_unchanged_and_reaches_the_caller()
    {
        var counter = new EntityInstanceId("Counter", "fails");
        await using var host = await TestHost.StartAsync(r => r
            .AddEntity<Counter>()
            .AddOrchestratorFunc<object?, string>("UseCounter", async (ctx, _) =>
            {
                await ctx.Entities.CallEntityAsync<int>(counter, "Add", 5);
                try
                {
                    await ctx.Entities.CallEntityAsync<int>(counter, "AddThenFail", 100);
                    return "no error";
                }
                catch (EntityOperationFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage + "|" + await ctx.Entities.CallEntityAsync<int>(counter, "Get");
                }
            }));

        Assert.Equal("boom|5", (await host.RunAsync("UseCounter")).ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Retries_back_off_on_durable_timers_until_the_activity_succeeds()
    {
        int calls = 0;
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<object?, int>("Flaky", (_, _) => Interlocked.Increment(ref calls) < 3 ? throw new InvalidOperationException("transient") : calls)
            .AddOrchestratorFunc<object?, int>("Retry", (ctx, _) =>
                ctx.CallActivityAsync<int>("Flaky", null, TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromMilliseconds(200), 2.0)))));

        OrchestrationMetadata m = await host.RunAsync("Retry");
        Assert.Equal(3, m.ReadOutputAs<int>());
        IReadOnlyList<HistoryEvent> history = await host.Client.GetOrchestrationHistoryAsync(m.InstanceId);
        List<HistoryEvent> timers = history.Where(e => e.EventType == EventType.TimerCreated).ToList();
        Assert.Equal(2, timers.Count);
        Assert.Equal(2, history.Count(e => e.EventType == EventType.TaskFailed));
    }

    [Fact(Timeout = 60_000)]
    public async Task Retries_stop_at_the_maximum_and_the_failure_names_the_task()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<object?, int>("AlwaysFails", (Func<TaskActivityContext, object?, int>)((_, _) => throw new InvalidOperationException("nope")))
            .AddOrchestratorFunc<object?, int>("GiveUp", (ctx, _) =>
                ctx.CallActivityAsync<int>("AlwaysFails", null, TaskOptions.FromRetryPolicy(new RetryPolicy(2, TimeSpan.FromMilliseconds(50))))));

        OrchestrationMetadata m = await host.RunAsync("GiveUp");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, m.RuntimeStatus);
        Assert.Contains("Task 'AlwaysFails' (#", m.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("nope", m.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Sub_orchestrations_return_results_and_failures_to_the_parent()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Child", (ctx, n) => n < 0 ? throw new ArgumentException("negative") : Task.FromResult(n * 10))
            .AddOrchestratorFunc<object?, string>("Parent", async (ctx, _) =>
            {
                int[] ok = await Task.WhenAll(ctx.CallSubOrchestratorAsync<int>("Child", 1), ctx.CallSubOrchestratorAsync<int>("Child", 2, new SubOrchestrationOptions(instanceId: ctx.InstanceId + ":child2")));
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("Child", -1);
                    return "no failure";
                }
                catch (TaskFailedException ex)
                {
                    return $"{ok.Sum()}|{ex.FailureDetails.ErrorMessage}";
                }
            }));

        OrchestrationMetadata m = await host.RunAsync("Parent", instanceId: "parent-1");
        Assert.Equal("30|negative", m.ReadOutputAs<string>());
        OrchestrationMetadata? child = await host.Client.GetInstanceAsync("parent-1:child2");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_sub_orchestration_keeps_its_parent_across_continue_as_new()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<int, string>("LoopingChild", (ctx, n) =>
            {
                if (n < 2)
                {
                    ctx.ContinueAsNew(n + 1);
                    return Task.FromResult(string.Empty);
                }

                return Task.FromResult($"{ctx.Parent?.Name}/{ctx.Parent?.InstanceId}");
            })
            .AddOrchestratorFunc<object?, string>("ParentOfLoop", (ctx, _) => ctx.CallSubOrchestratorAsync<string>("LoopingChild", 0)));

        OrchestrationMetadata m = await host.RunAsync("ParentOfLoop", instanceId: "loop-parent");
        Assert.Equal("ParentOfLoop/loop-parent", m.ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task An_eternal_continue_as_new_loop_keeps_its_history_bounded_and_keeps_unprocessed_events()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, n) => n + 1)
            .AddOrchestratorFunc<int, int>("Loop", async (ctx, n) =>
            {
                n = await ctx.CallActivityAsync<int>("Inc", n);
                if (n < 60)
                {
                    ctx.ContinueAsNew(n);
                    return n;
                }

                return n + await ctx.WaitForExternalEvent<int>("bonus");
            }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Loop", 0);
        await host.Client.RaiseEventAsync(id, "bonus", 1000);
        OrchestrationMetadata m = await host.Client.WaitForInstanceCompletionAsync(id, true);
        Assert.Equal(1060, m.ReadOutputAs<int>());
        Assert.InRange((await host.Client.GetOrchestrationHistoryAsync(id)).Count, 1, 20);
    }

    [Fact(Timeout = 60_000)]
    public async Task Terminate_suspend_resume_and_purge_work_and_are_recorded()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddActivityFunc<object?, string>("Noop", (_, _) => "x")
            .AddOrchestratorFunc<object?, string>("WaitsForGo", async (ctx, _) =>
            {
                await ctx.WaitForExternalEvent<string>("go");
                return await ctx.CallActivityAsync<string>("Noop");
            }));

        string a = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo");
        await host.Client.WaitForInstanceStartAsync(a);
        await host.Client.SuspendInstanceAsync(a, "hold");
        await WaitForStatus(host, a, OrchestrationRuntimeStatus.Suspended);
        await host.Client.RaiseEventAsync(a, "go", "now");
        await Task.Delay(300);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(a))!.RuntimeStatus);
        await host.Client.ResumeInstanceAsync(a, "release");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.WaitForInstanceCompletionAsync(a)).RuntimeStatus);

        string b = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForGo");
        await host.Client.WaitForInstanceStartAsync(b);
        await host.Client.TerminateInstanceAsync(b, "stop");
        OrchestrationMetadata terminated = await host.Client.WaitForInstanceCompletionAsync(b, true);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("stop", terminated.ReadOutputAs<string>());

        Assert.Equal(1, (await host.Client.PurgeInstanceAsync(b)).PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(b));
        Assert.Equal(1, (await host.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UtcNow.AddHours(-1)))).PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(a));
    }

    internal static async Task WaitForStatus(TestHost host, string id, OrchestrationRuntimeStatus status)
    {
        for (int i = 0; i < 200; i++)
        {
            if ((await host.Client.GetInstanceAsync(id))?.RuntimeStatus == status)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"instance {id} never reached {status}");
    }

    public sealed class Counter : TaskEntity<int>
    {
        public int Add(int amount) => State += amount;

        public int AddThenFail(int amount)
        {
            State += amount;
            throw new InvalidOperationException("boom");
        }

        public int Get() => State;
    }
}
