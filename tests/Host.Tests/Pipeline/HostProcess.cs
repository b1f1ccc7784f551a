using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BatchEmbed.OpenAIEmulator;

namespace BatchEmbed.Hosting.Tests.Pipeline;

/// <summary>The host as a separate process (BatchEmbed.Host.dll), so a test can SIGKILL it and start it again.</summary>
internal sealed class HostProcess : IDisposable
{
    public const string FunctionKey = "crash-test-function-key";
    public const string AdminKey = "crash-test-admin-key-0";

    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private HostProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<HostProcess> StartAsync(string dataDir, EmulatorServer emulator, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dataDir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BatchEmbed.Host.dll"));
        var env = new Dictionary<string, string>
        {
            ["Pipeline__DataDirectory"] = dataDir,
            ["Pipeline__PollSeconds"] = "1",
            ["OpenAI__Endpoint"] = emulator.OpenAIEndpoint.ToString(),
            ["OpenAI__ApiKey"] = PipelineHost.EmulatorKey,
            ["OpenAI__Profile"] = "emulator",
            ["Host__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Host__FunctionKey"] = FunctionKey,
            ["Host__AdminKey"] = AdminKey,
            ["PollPending__Enabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach ((string k, string v) in settings ?? new Dictionary<string, string>())
        {
            env[k] = v;
        }

        foreach ((string k, string v) in env)
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi)!;
        var host = new HostProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => host.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => host.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = host.Client();
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, "the host process exited during start-up");
            try
            {
                using HttpResponseMessage r = await http.GetAsync("api/batches");
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < until, "the host did not start within 60 s");
            await Task.Delay(100);
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>What the process printed so far (stdout and stderr).</summary>
    public string Output => string.Join('\n', _output);

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

    public HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-functions-key", AdminKey);
        return http;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no cleanup.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }
}
