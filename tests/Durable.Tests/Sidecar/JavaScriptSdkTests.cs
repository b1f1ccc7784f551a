using System.Diagnostics;
using System.Text.Json;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>
/// A second Durable Task SDK, in another language: a worker and client of <c>@microsoft/durabletask-js</c> 0.4.0
/// (tools/durabletask-node, installed by the README's test command) against the standalone backend process.
/// </summary>
public sealed class JavaScriptSdkTests
{
    [Fact(Timeout = 180_000)]
    public async Task The_javascript_sdk_runs_activities_a_timer_an_event_and_entities_on_the_standalone_backend()
    {
        string tool = Path.Combine(RepoRoot(), "tools", "durabletask-node");
        Assert.True(Directory.Exists(Path.Combine(tool, "node_modules", "@microsoft", "durabletask-js")),
            "tools/durabletask-node is not installed: run ./test.sh (it runs npm ci there)");

        string dir = Directory.CreateTempSubdirectory("sidecar-js-").FullName;
        int port = ChildProcess.FreePort();
        using ChildProcess backend = await ChildProcess.BackendAsync(port, Path.Combine(dir, "hub.db"));

        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = tool };
        psi.ArgumentList.Add("roundtrip.mjs");
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        psi.ArgumentList.Add("js-roundtrip");
        using Process node = Process.Start(psi)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await node.WaitForExitAsync(cts.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");

        using JsonDocument result = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]);
        JsonElement output = result.RootElement.GetProperty("output");
        Assert.Equal("Hello Node!", output.GetProperty("greeting").GetString());
        Assert.Equal("HELLO NODE!", output.GetProperty("loud").GetString());
        Assert.Equal("node", output.GetProperty("approval").GetProperty("by").GetString());
        Assert.Equal(2, output.GetProperty("afterCall").GetInt32());
        Assert.Equal(5, output.GetProperty("locked").GetInt32()); // the signal ran before the lock was granted

        // The .NET client reads what the JavaScript worker wrote.
        await using SdkHost dotnet = await SdkHost.ClientAsync($"http://127.0.0.1:{port}");
        OrchestrationMetadata m = (await dotnet.Client.GetInstanceAsync("js-roundtrip", true))!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, m.RuntimeStatus);
        IList<HistoryEvent> history = await dotnet.Client.GetOrchestrationHistoryAsync("js-roundtrip");
        Assert.Equal(2, history.Count(e => e.EventType == EventType.TaskCompleted));
        Assert.Single(history, e => e.EventType == EventType.TimerFired);
        Assert.Contains(history, e => e is EventRaisedEvent { Name: "approve" });
        Assert.Equal(5, (await dotnet.Client.Entities.GetEntityAsync<int>(new Microsoft.DurableTask.Entities.EntityInstanceId("tally", "Node")))!.State);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchEmbed.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
