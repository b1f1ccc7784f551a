using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.DurableTask.Sidecar;
using BatchEmbed.DurableTask.Sidecar.Hosting;
using BatchEmbed.Hosting.Durable;
using BatchEmbed.Workflows.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Hosting.Tests;

/// <summary>
/// The management API over real HTTP (Kestrel on a random loopback port), on the Durable Task SDK's gRPC client and
/// worker over the durable backend.
/// </summary>
public sealed class DurableHttpApiTests : IAsyncLifetime
{
    private const string Base = "/runtime/webhooks/durabletask";
    private EmbeddedBackend _backend = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        string db = Path.Combine(Path.GetTempPath(), "host-tests", Guid.NewGuid().ToString("N"), "hub.db");
        _backend = await EmbeddedBackend.StartAsync(new SidecarOptions { DatabasePath = db });
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTaskClient(b => b.UseGrpc(_backend.Address).Configure(o => o.EnableEntitySupport = true));
        builder.Services.AddDurableTaskWorker(b => b.UseGrpc(_backend.Address).Configure(o => o.EnableEntitySupport = true).AddTasks(r => r
            .AddEntity<Counter>("Counter")
            .AddActivityFunc<string, string>("SayHello", (_, name) => $"Hello {name}!")
            .AddOrchestratorFunc<string, string>("Hello", (ctx, name) => ctx.CallActivityAsync<string>("SayHello", name))
            .AddOrchestratorFunc<object?, int>("CallsCounter", async (ctx, _) =>
            {
                var id = new EntityInstanceId("Counter", "calls");
                await ctx.Entities.SignalEntityAsync(id, "add", 2);
                return await ctx.Entities.CallEntityAsync<int>(id, "add", 3);
            })
            .AddOrchestratorFunc<object?, string>("WaitForIt", async (ctx, _) => await ctx.WaitForExternalEvent<string>("it"))
            .AddOrchestratorFunc<object?, string>("Fails", string (_, _) => throw new InvalidOperationException("kaput"))));
        _app = builder.Build();
        _app.MapDurableTaskManagementApi(new DurableHttpApiOptions { TaskHubName = "hub1" });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _backend.DisposeAsync();
    }

    /// <summary>A counter entity: <c>add</c> returns the new value.</summary>
    private sealed class Counter : TaskEntity<int>
    {
        public int Add(int amount) => State += amount;
    }

    [Fact(Timeout = 60_000)]
    public async Task Entity_calls_show_in_history_by_entity_and_operation_with_their_response()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/orchestrators/CallsCounter/calls-1", null)).StatusCode);
        JsonObject done = await PollUntil(200, "calls-1");
        Assert.Equal(5, done["output"]!.GetValue<int>());

        JsonArray events = (await _http.GetFromJsonAsync<JsonObject>($"{Base}/instances/calls-1?showHistory=true&showHistoryOutput=true"))!["historyEvents"]!.AsArray();
        JsonNode[] sent = events.Where(e => e!["EventType"]!.GetValue<string>() == "EventSent").Select(e => e!).ToArray();
        Assert.Equal(2, sent.Length);
        Assert.All(sent, e => Assert.Equal("@counter@calls", e["Entity"]!.GetValue<string>()));
        Assert.All(sent, e => Assert.Equal("add", e["Operation"]!.GetValue<string>()));
        Assert.Equal([true, false], sent.Select(e => e["Signal"]!.GetValue<bool>()));
        JsonNode response = events.Single(e => e!["EventType"]!.GetValue<string>() == "EventRaised")!;
        Assert.Equal("@counter@calls add (response)", response["Name"]!.GetValue<string>());
        Assert.NotNull(response["ScheduledTime"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Start_returns_the_202_check_status_payload_and_status_goes_from_202_to_200()
    {
        HttpResponseMessage start = await _http.PostAsync($"{Base}/orchestrators/Hello/hello-1?code=k1", Json("\"Tokyo\""));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        JsonObject payload = (await start.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("hello-1", payload["id"]!.GetValue<string>());
        foreach (string key in new[] { "statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri", "restartPostUri", "suspendPostUri", "resumePostUri" })
        {
            Assert.Contains("taskHub=hub1&connection=Storage&code=k1", payload[key]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Contains("/raiseEvent/{eventName}?", payload["sendEventPostUri"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(payload["statusQueryGetUri"]!.GetValue<string>(), start.Headers.Location!.ToString());
        Assert.Equal("10", start.Headers.RetryAfter!.ToString());

        JsonObject status = await PollUntil(200, "hello-1");
        Assert.Equal("Completed", status["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("Hello Tokyo!", status["output"]!.GetValue<string>());
        Assert.Equal("Tokyo", status["input"]!.GetValue<string>());
        Assert.EndsWith("Z", status["createdTime"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(status["historyEvents"]);

        JsonObject withHistory = (await _http.GetFromJsonAsync<JsonObject>($"{Base}/instances/hello-1?showHistory=true&showHistoryOutput=true&showInput=false"))!;
        Assert.Null(withHistory["input"]);
        JsonArray events = withHistory["historyEvents"]!.AsArray();
        Assert.DoesNotContain(events, e => e!["EventType"]!.GetValue<string>() is "OrchestratorStarted" or "TaskScheduled");
        JsonNode completed = events.Single(e => e!["EventType"]!.GetValue<string>() == "TaskCompleted")!;
        Assert.Equal("SayHello", completed["FunctionName"]!.GetValue<string>());
        Assert.Equal("Hello Tokyo!", completed["Result"]!.GetValue<string>());
        Assert.NotNull(completed["ScheduledTime"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Start_with_timeout_and_polling_interval_waits_and_returns_the_output()
    {
        HttpResponseMessage r = await _http.PostAsync($"{Base}/orchestrators/Hello?timeout=20&pollingInterval=0.1", Json("\"Oslo\""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("\"Hello Oslo!\"", await r.Content.ReadAsStringAsync());
    }

    [Fact(Timeout = 60_000)]
    public async Task Raise_event_terminate_suspend_resume_and_their_status_codes()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/orchestrators/WaitForIt/w1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await _http.PostAsync($"{Base}/orchestrators/WaitForIt/w1", null)).StatusCode);
        await PollUntil(202, "w1", s => s["runtimeStatus"]!.GetValue<string>() == "Running");

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync($"{Base}/instances/w1/raiseEvent/it", new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Base}/instances/nobody/raiseEvent/it", Json("\"x\""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/w1/suspend?reason=hold", null)).StatusCode);
        await PollUntil(202, "w1", s => s["runtimeStatus"]!.GetValue<string>() == "Suspended");
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/w1/resume?reason=go", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/w1/raiseEvent/it", Json("\"done\""))).StatusCode);
        JsonObject done = await PollUntil(200, "w1");
        Assert.Equal("done", done["output"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Gone, (await _http.PostAsync($"{Base}/instances/w1/terminate?reason=late", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _http.PostAsync($"{Base}/instances/w1/raiseEvent/it", Json("1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.PostAsync($"{Base}/instances/nobody/terminate", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/orchestrators/WaitForIt/w2", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/instances/w2/terminate?reason=stop", null)).StatusCode);
        JsonObject terminated = await PollUntil(200, "w2");
        Assert.Equal("Terminated", terminated["runtimeStatus"]!.GetValue<string>());
    }

    [Fact(Timeout = 60_000)]
    public async Task Failed_instances_are_200_or_500_on_request_and_unknown_ones_404()
    {
        await _http.PostAsync($"{Base}/orchestrators/Fails/f1", null);
        JsonObject failed = await PollUntil(200, "f1");
        Assert.Equal("Failed", failed["runtimeStatus"]!.GetValue<string>());
        Assert.Contains("kaput", failed["output"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.InternalServerError, (await _http.GetAsync($"{Base}/instances/f1?returnInternalServerErrorOnFailure=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Base}/instances/never-started")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync($"{Base}/orchestrators/Hello/bad", Json("{not json"))).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task List_filters_and_pages_with_the_continuation_header_then_purge()
    {
        for (int i = 0; i < 5; i++)
        {
            await _http.PostAsync($"{Base}/orchestrators/Hello/list-{i}", Json("\"x\""));
            await PollUntil(200, $"list-{i}");
        }

        var seen = new List<string>();
        string? token = null;
        do
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, $"{Base}/instances?instanceIdPrefix=list-&runtimeStatus=Completed,Bogus&top=2");
            if (token is not null)
            {
                req.Headers.Add("x-ms-continuation-token", token);
            }

            HttpResponseMessage r = await _http.SendAsync(req);
            JsonArray page = (await r.Content.ReadFromJsonAsync<JsonArray>())!;
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(p => p!["instanceId"]!.GetValue<string>()));
            token = r.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.First() : null;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"list-{i}"), seen);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.DeleteAsync($"{Base}/instances")).StatusCode);
        HttpResponseMessage one = await _http.DeleteAsync($"{Base}/instances/list-0");
        Assert.Equal(1, (await one.Content.ReadFromJsonAsync<JsonObject>())!["instancesDeleted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.DeleteAsync($"{Base}/instances/list-0")).StatusCode);
        HttpResponseMessage bulk = await _http.DeleteAsync($"{Base}/instances?createdTimeFrom={Uri.EscapeDataString(DateTime.UtcNow.AddHours(-1).ToString("o"))}&runtimeStatus=Completed");
        Assert.True((await bulk.Content.ReadFromJsonAsync<JsonObject>())!["instancesDeleted"]!.GetValue<int>() >= 4);
    }

    [Fact(Timeout = 60_000)]
    public async Task Entities_can_be_signalled_read_and_listed()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/entities/counter/c1?op=add", Json("5"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Base}/entities/counter/c1?op=add", Json("7"))).StatusCode);
        string state = "";
        for (int i = 0; i < 100 && state != "12"; i++)
        {
            await Task.Delay(50);
            HttpResponseMessage r = await _http.GetAsync($"{Base}/entities/counter/c1");
            state = r.StatusCode == HttpStatusCode.OK ? await r.Content.ReadAsStringAsync() : "";
        }

        Assert.Equal("12", state);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Base}/entities/counter/nope")).StatusCode);
        JsonArray list = (await _http.GetFromJsonAsync<JsonArray>($"{Base}/entities/counter?fetchState=true"))!;
        JsonNode row = Assert.Single(list)!;
        Assert.Equal("c1", row["entityId"]!["key"]!.GetValue<string>());
        Assert.Equal(12, row["state"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Accepted, (await _http.DeleteAsync($"{Base}/entities/counter/c1")).StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonObject> PollUntil(int statusCode, string id, Func<JsonObject, bool>? predicate = null)
    {
        for (int i = 0; i < 400; i++)
        {
            HttpResponseMessage r = await _http.GetAsync($"{Base}/instances/{id}");
            if ((int)r.StatusCode == statusCode)
            {
                JsonObject body = (await r.Content.ReadFromJsonAsync<JsonObject>())!;
                if (predicate is null || predicate(body))
                {
                    return body;
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"{id} never answered {statusCode}");
    }
}
