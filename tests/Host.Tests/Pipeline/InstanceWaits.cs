using System.Text.Json.Nodes;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>Reading and waiting for an orchestration through a host's Durable HTTP API (tests that run the host as a process).</summary>
internal static class InstanceWaits
{
    public static async Task<JsonObject> StatusAsync(HttpClient http, string id) =>
        JsonNode.Parse(await http.GetStringAsync($"runtime/webhooks/durabletask/instances/{id}"))!.AsObject();

    /// <summary>Waits until the instance finishes; asserts it Completed and returns its output.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient http, string id, int timeoutSeconds = 180)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            JsonObject s = await StatusAsync(http, id);
            string runtime = (string)s["runtimeStatus"]!;
            if (runtime is "Completed" or "Failed" or "Terminated")
            {
                Assert.True(runtime == "Completed", s.ToJsonString());
                return s["output"]!.AsObject();
            }

            Assert.True(DateTime.UtcNow < until, $"{id} did not finish in {timeoutSeconds} s: {s.ToJsonString()}");
            await Task.Delay(200);
        }
    }
}
