using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>The host as its own process, as an operator runs it.</summary>
public sealed class HostProcessTests
{
    [Fact(Timeout = 120_000)]
    public async Task The_host_never_prints_configured_keys_and_stops_cleanly_on_SIGTERM()
    {
        string data = Directory.CreateTempSubdirectory("host-process-").FullName;
        await using EmulatorServer emulator = await EmulatorServer.StartAsync(new EmulatorOptions { DataDirectory = Path.Combine(data, "emulator"), ApiKey = PipelineHost.EmulatorKey });
        using HostProcess host = await HostProcess.StartAsync(data, emulator, HostProcess.FreePort());

        // A first start on a fresh data directory, with both keys configured: nothing was generated worth showing.
        Assert.DoesNotContain(HostProcess.FunctionKey, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(HostProcess.AdminKey, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Function key (", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Admin key (", host.Output, StringComparison.Ordinal);

        int exit = await host.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}: {host.Output}");
    }
}
