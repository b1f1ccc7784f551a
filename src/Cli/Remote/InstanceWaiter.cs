using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace BatchEmbed.Cli.Remote;

/// <summary>Follows an orchestration through its status URI and shows progress (its custom status) while it runs.</summary>
internal static class InstanceWaiter
{
    /// <param name="statusUrl">The statusQueryGetUri the host returned (it carries the key for the status API).</param>
    public static async Task<JsonObject> WaitAsync(HostClient client, string instanceId, string statusUrl, TextWriter progress, CancellationToken ct)
    {
        string url = statusUrl;
        var clock = Stopwatch.StartNew();
        string? last = null;
        bool interactive = !Console.IsErrorRedirected && ReferenceEquals(progress, Console.Error);
        while (true)
        {
            var status = (JsonObject)(await client.GetAsync(url, ct))!;
            string runtime = (string?)status["runtimeStatus"] ?? "Unknown";
            string line = string.Create(CultureInfo.InvariantCulture, $"  {instanceId}: {runtime} {Describe(status["customStatus"])}").TrimEnd();
            if (runtime is "Completed" or "Failed" or "Terminated")
            {
                if (interactive)
                {
                    await progress.WriteLineAsync();
                }

                return status;
            }

            if (interactive)
            {
                await progress.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"\r[{clock.Elapsed.TotalSeconds,5:F0}s]{line}").PadRight(100));
            }
            else if (line != last)
            {
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,5:F0}s]{line}"));
            }

            last = line;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private static string Describe(JsonNode? custom) => custom is JsonObject o
        ? string.Join(" ", o.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString().Trim('"')}"))
        : string.Empty;
}
