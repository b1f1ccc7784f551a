using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;
using static BatchEmbed.Durable.Sidecar.Tests.OrchestrationScenarioTests;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>Durable entities on the real SDK (EnableEntitySupport) against our backend.</summary>
public sealed class EntityTests
{
    private static void Entities(DurableTaskRegistry r) => r
        .AddEntity<Counter>()
        .AddEntity<Account>()
        .AddEntity<Relay>()
        .AddOrchestratorFunc<string, int>("ReadCounter", (ctx, key) => ctx.Entities.CallEntityAsync<int>(new EntityInstanceId(nameof(Counter), key), "get"))
        .AddOrchestratorFunc<string, int>("AddThenRead", async (ctx, key) =>
        {
            var id = new EntityInstanceId(nameof(Counter), key);
            await ctx.Entities.CallEntityAsync(id, "add", 5);
            await ctx.Entities.CallEntityAsync(id, "add", 6);
            return await ctx.Entities.CallEntityAsync<int>(id, "get");
        })
        .AddOrchestratorFunc<string, string>("CallFails", async (ctx, key) =>
        {
            try
            {
                await ctx.Entities.CallEntityAsync(new EntityInstanceId(nameof(Counter), key), "fail");
                return "no failure";
            }
            catch (EntityOperationFailedException e)
            {
                return e.FailureDetails.ErrorMessage;
            }
        })
        .AddOrchestratorFunc<Transfer, int>("TransferLocked", async (ctx, t) =>
        {
            var from = new EntityInstanceId(nameof(Account), t.From);
            var to = new EntityInstanceId(nameof(Account), t.To);
            await using (await ctx.Entities.LockEntitiesAsync(from, to))
            {
                Assert.True(ctx.Entities.InCriticalSection(out IReadOnlyList<EntityInstanceId>? held) && held!.Count == 2);
                int a = await ctx.Entities.CallEntityAsync<int>(from, "get");
                int b = await ctx.Entities.CallEntityAsync<int>(to, "get");
                await ctx.Entities.CallEntityAsync(from, "set", a - t.Amount);
                await ctx.Entities.CallEntityAsync(to, "set", b + t.Amount);
                return a + b;
            }
        })
        .AddOrchestratorFunc<int, int>("Recorder", (_, n) => Task.FromResult(n));

    [Fact(Timeout = 60_000)]
    public async Task A_counter_takes_signals_in_order_and_answers_calls()
    {
        await using var h = await SidecarHarness.StartAsync(Entities);
        var id = new EntityInstanceId(nameof(Counter), "c1");
        for (int i = 1; i <= 50; i++)
        {
            await h.Client.Entities.SignalEntityAsync(id, "add", i);
        }

        Assert.Equal(1275, (await h.RunAsync("ReadCounter", "c1")).ReadOutputAs<int>());
        Assert.Equal(1286, (await h.RunAsync("AddThenRead", "c1")).ReadOutputAs<int>());
        EntityMetadata<int>? metadata = await h.Client.Entities.GetEntityAsync<int>(id, includeState: true);
        Assert.Equal(1286, metadata!.State);
        Assert.Null(await h.Client.Entities.GetEntityAsync(new EntityInstanceId(nameof(Counter), "never-signalled")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_operation_that_throws_fails_the_call_and_keeps_the_state()
    {
        await using var h = await SidecarHarness.StartAsync(Entities);
        var id = new EntityInstanceId(nameof(Counter), "c2");
        await h.Client.Entities.SignalEntityAsync(id, "add", 7);
        Assert.Equal("counter says no", (await h.RunAsync("CallFails", "c2")).ReadOutputAs<string>());
        Assert.Equal(7, (await h.RunAsync("ReadCounter", "c2")).ReadOutputAs<int>());
    }

    [Fact(Timeout = 90_000)]
    public async Task Locks_held_across_two_entities_make_concurrent_transfers_atomic()
    {
        await using var h = await SidecarHarness.StartAsync(Entities);
        await h.Client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Account), "a"), "set", 1000);
        await h.Client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Account), "b"), "set", 1000);
        var ids = new List<string>();
        for (int i = 0; i < 30; i++)
        {
            Transfer t = i % 3 == 0 ? new Transfer("b", "a", 7) : new Transfer("a", "b", 5);
            ids.Add(await h.Client.ScheduleNewOrchestrationInstanceAsync("TransferLocked", t));
        }

        foreach (string id in ids)
        {
            OrchestrationMetadata m = await h.Sdk.WaitAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
            Assert.Equal(2000, m.ReadOutputAs<int>()); // inside the critical section both balances are consistent
        }

        int a = (await h.Client.Entities.GetEntityAsync<int>(new EntityInstanceId(nameof(Account), "a")))!.State;
        int b = (await h.Client.Entities.GetEntityAsync<int>(new EntityInstanceId(nameof(Account), "b")))!.State;
        Assert.Equal(1000 - (20 * 5) + (10 * 7), a);
        Assert.Equal(1000 + (20 * 5) - (10 * 7), b);
        EntityMetadata? unlocked = await h.Client.Entities.GetEntityAsync(new EntityInstanceId(nameof(Account), "a"));
        Assert.Null(unlocked!.LockedBy);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_entity_signals_another_entity_and_starts_an_orchestration()
    {
        await using var h = await SidecarHarness.StartAsync(Entities);
        await h.Client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Relay), "r"), "forward", 9);
        await WaitUntil(async () => (await h.Client.Entities.GetEntityAsync<int>(new EntityInstanceId(nameof(Counter), "relayed")))?.State == 9);
        OrchestrationMetadata started = await h.Sdk.WaitAsync("recorded-9");
        Assert.Equal(9, started.ReadOutputAs<int>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Entity_state_survives_a_restart_of_backend_and_worker()
    {
        string db = Backend.NewDatabasePath();
        var id = new EntityInstanceId(nameof(Counter), "durable");
        await using (var first = await SidecarHarness.StartAsync(Entities, db))
        {
            await first.Client.Entities.SignalEntityAsync(id, "add", 40);
            await WaitUntil(async () => (await first.Client.Entities.GetEntityAsync<int>(id))?.State == 40);
        }

        await using var second = await SidecarHarness.StartAsync(Entities, db);
        await second.Client.Entities.SignalEntityAsync(id, "add", 2);
        Assert.Equal(42, (await second.RunAsync("ReadCounter", "durable")).ReadOutputAs<int>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Entities_are_queried_by_prefix_and_deleted_ones_are_cleaned_from_storage()
    {
        await using var h = await SidecarHarness.StartAsync(Entities);
        foreach (string key in new[] { "q1", "q2", "q3" })
        {
            await h.Client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Counter), key), "add", 1);
        }

        await WaitUntil(async () => (await h.Client.Entities.GetAllEntitiesAsync(new EntityQuery { InstanceIdStartsWith = "counter@q" }).ToListAsync()).Count == 3);
        await h.Client.Entities.SignalEntityAsync(new EntityInstanceId(nameof(Counter), "q2"), "delete");
        await WaitUntil(async () => await h.Client.Entities.GetEntityAsync(new EntityInstanceId(nameof(Counter), "q2")) is null);
        List<EntityMetadata> left = await h.Client.Entities.GetAllEntitiesAsync(new EntityQuery { InstanceIdStartsWith = "@counter@q", PageSize = 1 }).ToListAsync();
        Assert.Equal(["@counter@q1", "@counter@q3"], left.Select(e => e.Id.ToString()));
        CleanEntityStorageResult clean = await h.Client.Entities.CleanEntityStorageAsync(new CleanEntityStorageRequest { RemoveEmptyEntities = true, ReleaseOrphanedLocks = true });
        Assert.Equal(0, clean.OrphanedLocksReleased);
    }

    public sealed record Transfer(string From, string To, int Amount);

    public sealed class Counter : TaskEntity<int>
    {
        public void Add(int amount) => State += amount;

        public int Get() => State;

        public void Fail() => throw new InvalidOperationException($"counter says no{(State < 0 ? " (negative)" : string.Empty)}");
    }

    public sealed class Account : TaskEntity<int>
    {
        public void Set(int value) => State = value;

        public int Get() => State;
    }

    public sealed class Relay : TaskEntity<int>
    {
        public void Forward(int n)
        {
            State += n;
            Context.SignalEntity(new EntityInstanceId(nameof(Counter), "relayed"), "add", n);
            Context.ScheduleNewOrchestration("Recorder", n, new StartOrchestrationOptions($"recorded-{n}"));
        }
    }
}
