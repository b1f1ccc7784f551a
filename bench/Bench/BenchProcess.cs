using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace BatchEmbed.Bench;

/// <summary>A server the benchmark starts as its own process and stops at the end.</summary>
internal sealed class BenchProcess : IDisposable
{
    private readonly Process _process;

    private BenchProcess(Process process) => _process = process;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string RepoRoot()
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

    /// <summary>Starts <paramref name="file"/> and waits until a line of its output contains <paramref name="ready"/>.</summary>
    public static async Task<BenchProcess> StartAsync(string file, IEnumerable<string> args, string ready, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var child = new BenchProcess(Process.Start(psi)!);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await child._process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Contains(ready, StringComparison.Ordinal))
            {
                _ = Drain(child._process.StandardOutput);
                _ = Drain(child._process.StandardError);
                return child;
            }
        }

        string error = await child._process.StandardError.ReadToEndAsync(CancellationToken.None);
        child.Dispose();
        throw new InvalidOperationException($"{file} {string.Join(' ', args)} stopped before it was ready: {error}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
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
