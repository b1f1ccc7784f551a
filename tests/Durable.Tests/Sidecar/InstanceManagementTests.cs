using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Grpc.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using static BatchEmbed.Durable.Sidecar.Tests.OrchestrationScenarioTests;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>Starting, controlling, querying and purging instances through the real SDK client.</summary>
public sealed class InstanceManagementTests
{
    private static void Waiter(DurableTaskRegistry r) => r
        .AddOrchestratorFunc<object?, string>("Waiter", (ctx, _) => ctx.WaitForExternalEvent<string>("go"))
        .AddOrchestratorFunc<object?, string>("ParentOfWaiter", (ctx, _) =>
            ctx.CallSubOrchestratorAsync<string>("Waiter", null, new SubOrchestrationOptions { InstanceId = ctx.InstanceId + "-child" }))
        .AddActivityFunc<int, int>("Twice", (_, n) => n * 2)
        .AddOrchestratorFunc<int, int>("Double", (ctx, n) => ctx.CallActivityAsync<int>("Twice", n));

    [Fact(Timeout = 60_000)]
    public async Task A_second_start_of_a_running_instance_id_is_refused_and_a_finished_one_is_replaced()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("single"));
        OrchestrationAlreadyExistsException refused = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(
            () => h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("single")));
        Assert.Contains("'single' already exists and is", refused.Message, StringComparison.Ordinal);

        await h.Client.RaiseEventAsync("single", "go", "first");
        Assert.Equal("first", (await h.Sdk.WaitAsync("single")).ReadOutputAs<string>());
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("single"));
        await h.Client.RaiseEventAsync("single", "go", "second");
        Assert.Equal("second", (await h.Sdk.WaitAsync("single")).ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_scheduled_start_waits_until_its_time_and_WaitForInstanceStart_returns_then()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        DateTimeOffset startAt = DateTimeOffset.UtcNow.AddSeconds(2);
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Double", 21, new StartOrchestrationOptions("later", startAt));
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await h.Client.GetInstanceAsync("later"))!.RuntimeStatus);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        OrchestrationMetadata started = await h.Client.WaitForInstanceStartAsync("later", false, cts.Token);
        Assert.True(DateTimeOffset.UtcNow >= startAt.AddMilliseconds(-50), "started before its scheduled time");
        Assert.NotEqual(OrchestrationRuntimeStatus.Pending, started.RuntimeStatus);
        Assert.Equal(42, (await h.Sdk.WaitAsync("later")).ReadOutputAs<int>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Terminate_ends_an_instance_and_recursive_terminate_ends_its_children()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        await h.Client.ScheduleNewOrchestrationInstanceAsync("ParentOfWaiter", null, new StartOrchestrationOptions("tree"));
        await WaitUntil(async () => (await h.Client.GetInstanceAsync("tree-child"))?.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await h.Client.TerminateInstanceAsync("tree", new TerminateInstanceOptions("stop", Recursive: true));
        OrchestrationMetadata parent = await h.Sdk.WaitAsync("tree");
        OrchestrationMetadata child = await h.Sdk.WaitAsync("tree-child");
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, parent.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, child.RuntimeStatus);
        Assert.Equal("\"stop\"", parent.SerializedOutput);

        RpcException again = await Assert.ThrowsAsync<RpcException>(() => h.Client.TerminateInstanceAsync("tree"));
        Assert.Equal(StatusCode.FailedPrecondition, again.StatusCode);
        RpcException missing = await Assert.ThrowsAsync<RpcException>(() => h.Client.RaiseEventAsync("no-such-instance", "go"));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Suspend_holds_events_until_resume()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        string id = await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await h.Client.WaitForInstanceStartAsync(id);
        await h.Client.SuspendInstanceAsync(id, "maintenance");
        await WaitUntil(async () => (await h.Client.GetInstanceAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await h.Client.RaiseEventAsync(id, "go", "held");
        await Task.Delay(500);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await h.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await h.Client.ResumeInstanceAsync(id, "done");
        OrchestrationMetadata m = await h.Sdk.WaitAsync(id);
        Assert.Equal("held", m.ReadOutputAs<string>());
        IList<HistoryEvent> history = await h.Client.GetOrchestrationHistoryAsync(id);
        Assert.Contains(history, e => e.EventType == EventType.ExecutionSuspended);
        Assert.Contains(history, e => e.EventType == EventType.ExecutionResumed);
    }

    [Fact(Timeout = 60_000)]
    public async Task Restart_runs_a_finished_instance_again_with_its_input_under_the_same_or_a_new_id()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        Assert.Equal(10, (await h.RunAsync("Double", 5, "restart-me")).ReadOutputAs<int>());
        string same = await h.Client.RestartAsync("restart-me");
        Assert.Equal("restart-me", same);
        Assert.Equal(10, (await h.Sdk.WaitAsync(same)).ReadOutputAs<int>());
        string other = await h.Client.RestartAsync("restart-me", restartWithNewInstanceId: true);
        Assert.NotEqual("restart-me", other);
        Assert.Equal(10, (await h.Sdk.WaitAsync(other)).ReadOutputAs<int>());

        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("running"));
        await h.Client.WaitForInstanceStartAsync("running");
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Client.RestartAsync("running"));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.RestartAsync("never-existed"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Rewind_resumes_a_failed_instance_from_its_last_good_state()
    {
        int attempts = 0;
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddActivityFunc<object?, string>("Once", (_, _) => "kept")
            .AddActivityFunc<object?, string>("FailsFirst", (_, _) => Interlocked.Increment(ref attempts) == 1 ? throw new InvalidOperationException("boom") : "fixed")
            .AddOrchestratorFunc<object?, string>("Rewindable", async (ctx, _) =>
                $"{await ctx.CallActivityAsync<string>("Once")}+{await ctx.CallActivityAsync<string>("FailsFirst")}"));

        OrchestrationMetadata failed = await h.RunAsync("Rewindable", instanceId: "rewind-me");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains("boom", failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);

        await h.Client.RewindInstanceAsync("rewind-me", "the bug is fixed");
        await WaitUntil(async () => (await h.Client.GetInstanceAsync("rewind-me"))!.RuntimeStatus == OrchestrationRuntimeStatus.Completed);
        OrchestrationMetadata done = (await h.Client.GetInstanceAsync("rewind-me", true))!;
        Assert.Equal("kept+fixed", done.ReadOutputAs<string>());
        IList<HistoryEvent> history = await h.Client.GetOrchestrationHistoryAsync("rewind-me");
        Assert.Single(history, e => e is TaskScheduledEvent { Name: "Once" }); // the good part was not run again
        Assert.Equal(2, attempts);

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Client.RewindInstanceAsync("rewind-me", "again"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Queries_filter_by_status_prefix_and_time_and_page_with_continuation_tokens()
    {
        await using var h = await SidecarHarness.StartAsync(Waiter);
        DateTimeOffset before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (int i = 0; i < 7; i++)
        {
            await h.RunAsync("Double", i, $"q-done-{i}");
        }

        for (int i = 0; i < 3; i++)
        {
            await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions($"q-wait-{i}"));
        }

        await WaitUntil(async () => (await h.Client.GetInstanceAsync("q-wait-2"))?.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        var pages = new List<int>();
        var seen = new List<string>();
        await foreach (Page<OrchestrationMetadata> page in h.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "q-", PageSize = 3 }).AsPages())
        {
            pages.Add(page.Values.Count);
            seen.AddRange(page.Values.Select(m => m.InstanceId));
        }

        Assert.Equal(10, seen.Distinct().Count());
        Assert.True(pages.Count >= 4 && pages.All(c => c <= 3), $"pages of {string.Join(",", pages)}");

        List<OrchestrationMetadata> running = await h.Client.GetAllInstancesAsync(new OrchestrationQuery
        {
            InstanceIdPrefix = "q-", Statuses = [OrchestrationRuntimeStatus.Running], CreatedFrom = before, FetchInputsAndOutputs = true,
        }).ToListAsync();
        Assert.Equal(["q-wait-0", "q-wait-1", "q-wait-2"], running.Select(m => m.InstanceId).Order());
        Assert.Empty(await h.Client.GetAllInstancesAsync(new OrchestrationQuery { CreatedTo = before }).ToListAsync());

        Page<string> ids = await h.Client.ListInstanceIdsAsync([OrchestrationRuntimeStatus.Completed], pageSize: 5);
        Assert.Equal(5, ids.Values.Count);
        Page<string> rest = await h.Client.ListInstanceIdsAsync([OrchestrationRuntimeStatus.Completed], pageSize: 5, lastInstanceKey: ids.ContinuationToken);
        Assert.Equal(2, rest.Values.Count);
        Assert.Null(rest.ContinuationToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task Purge_removes_finished_instances_by_id_by_filter_and_recursively_but_never_running_ones()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
            .AddOrchestratorFunc<int, int>("Leaf", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<object?, int>("Tree", async (ctx, _) =>
                await ctx.CallSubOrchestratorAsync<int>("Leaf", 1, new SubOrchestrationOptions { InstanceId = ctx.InstanceId + "-leaf" }))
            .AddOrchestratorFunc<object?, string>("Waiter", (ctx, _) => ctx.WaitForExternalEvent<string>("go")));

        await h.RunAsync("Tree", instanceId: "p-tree");
        await h.RunAsync("Leaf", 2, "p-single");
        await h.RunAsync("Leaf", 3, "p-filtered");
        await h.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions("p-running"));
        await h.Client.WaitForInstanceStartAsync("p-running");

        Assert.Equal(1, (await h.Client.PurgeInstanceAsync("p-single")).PurgedInstanceCount);
        Assert.Equal(0, (await h.Client.PurgeInstanceAsync("p-single")).PurgedInstanceCount); // gone: nothing left to count
        Assert.Equal(0, (await h.Client.PurgeInstanceAsync("p-never-started")).PurgedInstanceCount);
        Assert.Null(await h.Client.GetInstanceAsync("p-single"));
        Assert.Equal(0, (await h.Client.PurgeInstanceAsync("p-running")).PurgedInstanceCount);
        Assert.Equal(2, (await h.Client.PurgeInstanceAsync("p-tree", new PurgeInstanceOptions(Recursive: true))).PurgedInstanceCount);
        Assert.Null(await h.Client.GetInstanceAsync("p-tree-leaf"));

        PurgeResult byFilter = await h.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(DateTimeOffset.UtcNow.AddMinutes(-5), null, [OrchestrationRuntimeStatus.Completed]));
        Assert.Equal(1, byFilter.PurgedInstanceCount);
        Assert.NotNull(await h.Client.GetInstanceAsync("p-running"));
        await Assert.ThrowsAsync<ArgumentException>(() => h.Client.GetOrchestrationHistoryAsync("p-filtered"));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_payload_over_the_limit_is_refused_with_a_clear_error()
    {
        await using var h = await SidecarHarness.StartAsync(r => r
                .AddActivityFunc<object?, string>("Huge", (_, _) => new string('x', 20_000))
                .AddOrchestratorFunc<object?, string>("CallsHuge", (ctx, _) => ctx.CallActivityAsync<string>("Huge"))
                .AddOrchestratorFunc<object?, string>("ReturnsHuge", (_, _) => Task.FromResult(new string('y', 20_000))),
            backend: o => o with { MaxPayloadBytes = 10_000 });

        var tooBig = new string('z', 20_000);
        ArgumentException start = await Assert.ThrowsAsync<ArgumentException>(() => h.Client.ScheduleNewOrchestrationInstanceAsync("CallsHuge", tooBig));
        Assert.Contains("input of orchestration 'CallsHuge' is 20,002 bytes, over the durable backend's limit of 10,000 bytes", start.Message, StringComparison.Ordinal);

        OrchestrationMetadata activity = await h.RunAsync("CallsHuge");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, activity.RuntimeStatus);
        Assert.Contains("result of activity task #0", activity.FailureDetails!.ErrorMessage, StringComparison.Ordinal);

        OrchestrationMetadata output = await h.RunAsync("ReturnsHuge");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, output.RuntimeStatus);
        Assert.Equal("PayloadTooLarge", output.FailureDetails!.ErrorType);
        Assert.Contains("orchestration's output is 20,002 bytes", output.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_long_activity_on_a_live_worker_is_never_handed_to_another_worker()
    {
        int runs = 0;
        void Tasks(DurableTaskRegistry r) => r
            .AddActivityFunc<object?, int>("Slow", async (_, _) =>
            {
                Interlocked.Increment(ref runs);
                await Task.Delay(TimeSpan.FromSeconds(4));
                return 1;
            })
            .AddOrchestratorFunc<object?, int>("CallsSlow", (ctx, _) => ctx.CallActivityAsync<int>("Slow"));

        await using Backend backend = await Backend.StartAsync(backend: o => o with { HealthPingInterval = TimeSpan.FromMilliseconds(200) });
        await using SdkHost first = await SdkHost.StartAsync(backend.Address, Tasks);
        await using SdkHost second = await SdkHost.StartAsync(backend.Address, Tasks);
        OrchestrationMetadata m = await first.RunAsync("CallsSlow");
        Assert.Equal(1, m.ReadOutputAs<int>());
        Assert.Equal(1, runs); // held by its worker's stream for as long as it runs, however long, with the other worker idle
    }

    [Fact(Timeout = 60_000)]
    public async Task Work_item_filters_send_each_activity_to_the_worker_that_has_it()
    {
        static void Orchestration(DurableTaskRegistry r) => r.AddOrchestratorFunc<object?, string>("Both", async (ctx, _) =>
        {
            string[] a = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ctx.CallActivityAsync<string>("OnlyA")));
            string[] b = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ctx.CallActivityAsync<string>("OnlyB")));
            return string.Concat(a.Concat(b).Distinct().Order());
        });

        static DurableTaskWorkerWorkItemFilters Filters(string activity) => new()
        {
            Orchestrations = [new DurableTaskWorkerWorkItemFilters.OrchestrationFilter("Both", [])],
            Activities = [new DurableTaskWorkerWorkItemFilters.ActivityFilter(activity, [])],
        };

        await using Backend backend = await Backend.StartAsync();
        await using SdkHost a = await SdkHost.StartAsync(backend.Address, r => Orchestration(r.AddActivityFunc<object?, string>("OnlyA", (_, _) => "a")), filters: Filters("OnlyA"));
        await using SdkHost b = await SdkHost.StartAsync(backend.Address, r => Orchestration(r.AddActivityFunc<object?, string>("OnlyB", (_, _) => "b")), filters: Filters("OnlyB"));
        OrchestrationMetadata m = await a.RunAsync("Both");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        Assert.Equal("ab", m.ReadOutputAs<string>());
    }
}
