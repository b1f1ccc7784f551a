using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BatchEmbed.OpenAIEmulator.Tests;

/// <summary>The emulator as its own process (<c>dotnet run --project src/OpenAIEmulator</c>).</summary>
public sealed class StandaloneEmulatorTests
{
    [Theory(Timeout = 60_000)]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task The_standalone_emulator_stops_cleanly_on_SIGTERM_and_SIGINT(string signal)
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        // As from a terminal: SIGINT at its default, even where this test runs with it ignored (a background job of a
        // script inherits SIGINT ignored, and exec keeps that); env execs dotnet, so the pid stays the same.
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "BatchEmbed.OpenAIEmulator.dll"), "--port", port.ToString(CultureInfo.InvariantCulture),
            "--data", Directory.CreateTempSubdirectory("emulator-signal-").FullName })
        {
            psi.ArgumentList.Add(a);
        }

        using Process emulator = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        string? line = await emulator.StandardOutput.ReadLineAsync(cts.Token);
        Assert.StartsWith("OpenAI emulator listening", line, StringComparison.Ordinal);
        using (Process kill = Process.Start("kill", ["-" + signal, emulator.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync(cts.Token);
        }

        await emulator.WaitForExitAsync(cts.Token);
        Assert.Equal(0, emulator.ExitCode);
    }
}
