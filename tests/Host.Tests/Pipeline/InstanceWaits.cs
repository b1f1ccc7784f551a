using System.Text.Json.Nodes;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Reading and waiting for an orchestration through a host's Durable HTTP API.</summary>
internal static class InstanceWaits
{
    public static async Task<JsonObject> StatusAsync(HttpClient http, string id) =>
        JsonNode.Parse(await http.GetStringAsync($"runtime/webhooks/durabletask/instances/{id}"))!.AsObject();

    /// <summary>Waits until the instance finishes; asserts it Completed and returns its output.</summary>
    public static Task<JsonObject> WaitAsync(HttpClient http, string id, int timeoutSeconds = 180) =>
        WaitAsync(() => StatusAsync(http, id), id, timeoutSeconds, 200);

    /// <summary>The same, reading the status with <paramref name="status"/> every <paramref name="pollMs"/> ms.</summary>
    public static async Task<JsonObject> WaitAsync(Func<Task<JsonObject>> status, string id, int timeoutSeconds, int pollMs)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            JsonObject s = await status();
            string runtime = (string)s["runtimeStatus"]!;
            if (runtime is "Completed" or "Failed" or "Terminated")
            {
                Assert.True(runtime == "Completed", s.ToJsonString());
                return s["output"]!.AsObject();
            }

            Assert.True(DateTime.UtcNow < until, $"{id} did not finish in {timeoutSeconds} s: {s.ToJsonString()}");
            await Task.Delay(pollMs);
        }
    }
}
