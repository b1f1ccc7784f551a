using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>A .NET program of the test's output folder run as its own process, killed with SIGKILL when asked.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <c>dotnet {dll} {args}</c> and waits until it prints a line starting with <paramref name="ready"/>.</summary>
    public static async Task<ChildProcess> StartAsync(string dll, IEnumerable<string> args, string ready, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var child = new ChildProcess(Process.Start(psi)!);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (await child._process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith(ready, StringComparison.Ordinal))
            {
                _ = Drain(child._process.StandardOutput);
                _ = Drain(child._process.StandardError);
                return child;
            }
        }

        string error = await child._process.StandardError.ReadToEndAsync(CancellationToken.None);
        child.Dispose();
        throw new InvalidOperationException($"{dll} exited without printing '{ready}': {error}");
    }

    /// <summary>The backend as its own process: <c>BatchEmbed.DurableTask.dll --port N --database FILE</c>.</summary>
    public static Task<ChildProcess> BackendAsync(int port, string database) => StartAsync(
        "BatchEmbed.DurableTask.dll", ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--database", database], "Durable backend listening on");

    /// <summary>SIGTERM, as a service manager or container stops a process; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (Process kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no cleanup.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static async Task Drain(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync() is not null)
            {
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
