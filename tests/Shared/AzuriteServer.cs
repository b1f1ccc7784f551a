using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace BatchEmbed.Tests.Servers;

/// <summary>
/// Azurite (npm 3.37.0, installed by the README's test command into tools/azurite) on free loopback ports and a temp
/// directory, for the Azure adapters' contract tests and the pipeline on Azure storage. It ignores SIGTERM, so it is killed.
/// Linked into each test project that needs it (tests/Shared).
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    private Process? _process;
    private string? _dir;

    public int BlobPort { get; private set; }

    public int TablePort { get; private set; }

    private const string Account = "batchembedtests";

    /// <summary>A key made for this run and given to Azurite through <c>AZURITE_ACCOUNTS</c>: no key is kept in the repository.</summary>
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));

    /// <summary>This instance's account on its own ports.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={_key};"
        + $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{Account};TableEndpoint=http://127.0.0.1:{TablePort}/{Account};";

    public async Task InitializeAsync()
    {
        string script = Path.Combine(RepoRoot(), "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed at {script}: run `npm ci` in tools/azurite (the README's test command does).");
        }

        _dir = Directory.CreateTempSubdirectory("azurite-").FullName;
        BlobPort = FreePort();
        TablePort = FreePort();
        var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--location", _dir, "--blobHost", "127.0.0.1", "--blobPort", $"{BlobPort}", "--tableHost", "127.0.0.1", "--tablePort", $"{TablePort}", "--queuePort", $"{FreePort()}" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["AZURITE_ACCOUNTS"] = $"{Account}:{_key}";
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        DateTime until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, BlobPort);
                using var t = new TcpClient();
                await t.ConnectAsync(IPAddress.Loopback, TablePort);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until && !_process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        if (_dir is not null)
        {
            try
            {
                Directory.Delete(_dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "BatchEmbed.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (BatchEmbed.slnx) is not above " + AppContext.BaseDirectory);
    }
}
