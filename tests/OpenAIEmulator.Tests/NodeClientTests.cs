using System.Diagnostics;
using System.Text.Json;

namespace BatchEmbed.OpenAIEmulator.Tests;

/// <summary>The same round trip through a second, independent client: the official Node openai package.</summary>
public sealed class NodeClientTests
{
    [Fact(Timeout = 120_000)]
    public async Task The_node_openai_client_completes_a_round_trip()
    {
        string root = RepoRoot();
        string script = Path.Combine(root, "tools", "openai-node", "roundtrip.mjs");
        Assert.True(Directory.Exists(Path.Combine(root, "tools", "openai-node", "node_modules", "openai")),
            "tools/openai-node is not installed: run ./test.sh (it runs npm ci there)");

        await using var emu = await EmulatorFixture.StartAsync();
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(emu.Server.OpenAIEndpoint.ToString().TrimEnd('/'));
        psi.ArgumentList.Add(EmulatorFixture.Key);
        using Process node = Process.Start(psi)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await node.WaitForExitAsync(cts.Token);
        Assert.True(node.ExitCode == 0, await stderr);

        using JsonDocument result = JsonDocument.Parse((await stdout).Trim().Split('\n')[^1]);
        JsonElement r = result.RootElement;
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.Equal(25, r.GetProperty("total").GetInt32());
        Assert.Equal(25, r.GetProperty("completed").GetInt32());
        Assert.Equal(25, r.GetProperty("distinct").GetInt32());
        Assert.Equal(1536, r.GetProperty("dims").GetInt32());
        Assert.True(r.GetProperty("listed").GetBoolean());
        Assert.True(r.GetProperty("unauthorized").GetBoolean());
        Assert.True(r.GetProperty("usage").GetBoolean());
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
