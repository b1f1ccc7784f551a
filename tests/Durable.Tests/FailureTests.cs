using BatchEmbed.DurableTask.Entities;

namespace BatchEmbed.DurableTask.Tests;

public sealed class FailureTests
{
    private static volatile bool s_changeCode;

    [Fact(Timeout = 60_000)]
    public async Task A_non_deterministic_replay_fails_the_instance_and_names_the_mismatch()
    {
        s_changeCode = false;
        await using var host = await TestHost.StartAsync(
            r => r
                .AddActivityFunc<object?, string>("A", (_, _) => "a")
                .AddActivityFunc<object?, string>("B", (_, _) => "b")
                .AddOrchestratorFunc<object?, string>("Shifty", async (ctx, _) =>
                {
                    // Deliberately non-deterministic: the name depends on state outside the history.
                    string first = await ctx.CallActivityAsync<string>(s_changeCode ? "B" : "A");
                    await ctx.WaitForExternalEvent<string>("continue");
                    return first;
                }),
            options: o => o.ExtendedSessionsEnabled = false);

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Shifty");
        await ScenarioTests.WaitForStatus(host, id, OrchestrationRuntimeStatus.Running);
        await Task.Delay(500);
        s_changeCode = true;
        await host.Client.RaiseEventAsync(id, "continue", "go");
        OrchestrationMetadata m = await host.Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, m.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, m.FailureDetails!.ErrorType);
        Assert.Contains("sequence number 0", m.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'A'", m.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("'B'", m.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unknown_orchestrator_activity_and_entity_names_fail_clearly_and_nothing_is_stuck()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<object?, string>("CallsMissing", (ctx, _) => ctx.CallActivityAsync<string>("NoSuchActivity"))
            .AddOrchestratorFunc<object?, string>("CallsMissingEntity", async (ctx, _) =>
            {
                try
                {
                    await ctx.Entities.CallEntityAsync<int>(new EntityInstanceId("nosuch", "k"), "add", 1);
                    return "no error";
                }
                catch (EntityOperationFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }));

        OrchestrationMetadata missingOrchestrator = await host.RunAsync("NoSuchOrchestrator");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, missingOrchestrator.RuntimeStatus);
        Assert.Contains("No orchestrator named 'NoSuchOrchestrator'", missingOrchestrator.FailureDetails!.ErrorMessage, StringComparison.Ordinal);

        OrchestrationMetadata missingActivity = await host.RunAsync("CallsMissing");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, missingActivity.RuntimeStatus);
        Assert.Contains("No activity named 'NoSuchActivity'", missingActivity.FailureDetails!.InnerFailure!.ErrorMessage, StringComparison.Ordinal);

        OrchestrationMetadata missingEntity = await host.RunAsync("CallsMissingEntity");
        Assert.Contains("No entity named 'nosuch'", missingEntity.ReadOutputAs<string>(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Payloads_over_the_limit_are_refused_with_a_clear_error()
    {
        await using var host = await TestHost.StartAsync(
            r => r
                .AddActivityFunc<int, string>("Big", (_, n) => new string('x', n))
                .AddOrchestratorFunc<int, int>("GetsBig", async (ctx, n) => (await ctx.CallActivityAsync<string>("Big", n)).Length)
                .AddOrchestratorFunc<int, string>("SendsBig", (ctx, n) => ctx.CallActivityAsync<string>("Big", new string('y', n))),
            options: o => o.MaximumPayloadBytes = 10_000);

        var ex = await Assert.ThrowsAsync<PayloadTooLargeException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("GetsBig", new string('z', 2_000_000)));
        Assert.Contains("Pass a reference", ex.Message, StringComparison.Ordinal);

        OrchestrationMetadata big = await host.RunAsync("GetsBig", 50_000);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, big.RuntimeStatus);
        Assert.Contains("payload limit", big.FailureDetails!.InnerFailure!.ErrorMessage, StringComparison.Ordinal);

        OrchestrationMetadata sends = await host.RunAsync("SendsBig", 50_000);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, sends.RuntimeStatus);
        Assert.Contains("payload limit", sends.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Input_that_cannot_be_deserialized_fails_the_instance()
    {
        await using var host = await TestHost.StartAsync(r => r.AddOrchestratorFunc<int, int>("WantsInt", (_, n) => Task.FromResult(n)));
        OrchestrationMetadata m = await host.RunAsync("WantsInt", "not a number");
        Assert.Equal(OrchestrationRuntimeStatus.Failed, m.RuntimeStatus);
        Assert.Contains("JsonException", m.FailureDetails!.ErrorType, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Starting_a_running_id_is_refused_but_a_finished_one_is_overwritten()
    {
        await using var host = await TestHost.StartAsync(r => r
            .AddOrchestratorFunc<object?, string>("Waits", async (ctx, _) => await ctx.WaitForExternalEvent<string>("go")));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waits", null, new StartOrchestrationOptions("singleton"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("Waits", null, new StartOrchestrationOptions("singleton")));
        await host.Client.RaiseEventAsync("singleton", "go", "done");
        await host.Client.WaitForInstanceCompletionAsync("singleton");
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Waits", null, new StartOrchestrationOptions("singleton"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.WaitForInstanceStartAsync("singleton")).RuntimeStatus);
    }

    [Fact(Timeout = 60_000)]
    public async Task Events_for_unknown_instances_and_starts_in_the_future_behave()
    {
        await using var host = await TestHost.StartAsync(r => r.AddOrchestratorFunc<object?, string>("Now", (ctx, _) => Task.FromResult("ran")));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.RaiseEventAsync("nobody", "e", 1));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.TerminateInstanceAsync("nobody", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("Now", null, new StartOrchestrationOptions("@bad")));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Now", null, new StartOrchestrationOptions(StartAt: DateTimeOffset.UtcNow.AddSeconds(1.5)));
        await Task.Delay(500);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
        Assert.Equal("ran", (await host.Client.WaitForInstanceCompletionAsync(id, true)).ReadOutputAs<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Queries_filter_by_status_and_prefix_and_page_with_a_continuation_token()
    {
        await using var host = await TestHost.StartAsync(r => r.AddOrchestratorFunc<int, int>("Id", (_, n) => Task.FromResult(n)));
        for (int i = 0; i < 7; i++)
        {
            await host.RunAsync("Id", i, instanceId: $"q-{i}");
        }

        await host.RunAsync("Id", 99, instanceId: "other");
        var ids = new List<string>();
        string? token = null;
        do
        {
            OrchestrationPage page = await host.Client.GetInstancePageAsync(new OrchestrationQuery(InstanceIdPrefix: "q-", PageSize: 3, ContinuationToken: token, Statuses: [OrchestrationRuntimeStatus.Completed]));
            Assert.True(page.Values.Count <= 3);
            ids.AddRange(page.Values.Select(v => v.InstanceId));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"q-{i}"), ids);
        Assert.Equal(8, await host.Client.GetAllInstancesAsync().CountAsync());
    }
}
