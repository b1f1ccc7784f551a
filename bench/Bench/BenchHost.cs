using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.OpenAI;
using Core = DurableTask.Core.History;

namespace BatchEmbed.Bench;

/// <summary>What the benchmarks that run the real host share: the emulator as its own process, an instance run to its end.</summary>
internal static class BenchHost
{
    public static async Task<JsonObject> RunInstanceAsync(HttpClient http, string path, string id, object? body = null)
    {
        using HttpResponseMessage r = await http.PostAsJsonAsync(path, body ?? new { });
        r.EnsureSuccessStatusCode();
        while (true)
        {
            JsonObject s = JsonNode.Parse(await http.GetStringAsync($"runtime/webhooks/durabletask/instances/{id}"))!.AsObject();
            string status = (string)s["runtimeStatus"]!;
            if (status is "Completed")
            {
                return s["output"]!.AsObject();
            }

            if (status is "Failed" or "Terminated")
            {
                throw new InvalidOperationException($"{id} {status}: {s.ToJsonString()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The host's settings for a benchmark: data under <paramref name="dir"/>, the emulator at <paramref name="endpoint"/>, no timer.</summary>
    public static Dictionary<string, string?> Settings(string dir, Uri endpoint) => new()
    {
        ["Pipeline:DataDirectory"] = Path.Combine(dir, "data"),
        ["Pipeline:PollSeconds"] = "1",
        ["OpenAI:Endpoint"] = endpoint.ToString(),
        ["OpenAI:ApiKey"] = "bench",
        ["OpenAI:Profile"] = "emulator",
        ["Host:Port"] = "0",
        ["Host:MaxRequestBodyBytes"] = (4L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PollPending:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A client of the host's API with the admin key (it opens /api and /runtime alike).</summary>
    public static HttpClient AdminClient(Hosting.HostApp host)
    {
        var http = new HttpClient { BaseAddress = host.BaseUrl, Timeout = TimeSpan.FromHours(1) };
        http.DefaultRequestHeaders.Add("x-functions-key", host.Keys.AdminKey);
        return http;
    }

    /// <summary>Streams a file as the body of a POST; returns the JSON answer.</summary>
    public static async Task<JsonObject> PostFileAsync(HttpClient http, string path, string file)
    {
        await using FileStream f = File.OpenRead(file);
        using HttpResponseMessage r = await http.PostAsync(path, new StreamContent(f));
        string body = await r.Content.ReadAsStringAsync();
        return r.IsSuccessStatusCode ? JsonNode.Parse(body)!.AsObject() : throw new InvalidOperationException($"{path}: {(int)r.StatusCode} {body}");
    }

    /// <summary>Waits until the provider holds no unfinished batch; returns the seconds it took.</summary>
    public static async Task<double> UntilProviderIdleAsync(OpenAIBatchProvider provider)
    {
        var sw = Stopwatch.StartNew();
        while ((await provider.ListBatchesAsync(CancellationToken.None).ToListAsync()).Any(b => !b.IsTerminal))
        {
            await Task.Delay(500);
        }

        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds each activity of one orchestration generation took, summed by name.</summary>
    public static Dictionary<string, double> ActivitySeconds(IList<Core.HistoryEvent> history)
    {
        var done = history.OfType<Core.TaskCompletedEvent>().ToDictionary(e => e.TaskScheduledId);
        return history.OfType<Core.TaskScheduledEvent>()
            .Where(s => done.ContainsKey(s.EventId))
            .GroupBy(s => s.Name ?? "?")
            .ToDictionary(g => g.Key, g => Math.Round(g.Sum(s => (done[s.EventId].Timestamp - s.Timestamp).TotalSeconds), 2));
    }

    public static Process StartEmulator(string dataDir, int port)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "BatchEmbed.OpenAIEmulator.dll"), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", dataDir, "--api-key", "bench", "--lines-per-second", "0" })
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static async Task WaitForEmulatorAsync(OpenAIBatchProvider provider)
    {
        for (int i = 0; i < 300; i++)
        {
            try
            {
                await provider.ListBatchesAsync(CancellationToken.None).ToListAsync();
                return;
            }
            catch (BatchProviderException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("the emulator did not start");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
