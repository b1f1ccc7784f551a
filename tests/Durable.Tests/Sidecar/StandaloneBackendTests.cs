using System.Diagnostics;

namespace BatchEmbed.Durable.Sidecar.Tests;

/// <summary>The backend as its own process: its arguments, and one process per database file.</summary>
public sealed class StandaloneBackendTests
{
    [Fact(Timeout = 60_000)]
    public async Task Help_and_bad_arguments_answer_with_the_usage_and_distinct_exit_codes()
    {
        (int help, string helpText) = await RunToEndAsync("--help");
        Assert.Equal(0, help);
        Assert.Contains("--database FILE", helpText, StringComparison.Ordinal);

        (int bad, string badText) = await RunToEndAsync("--port", "not-a-port");
        Assert.Equal(2, bad);
        Assert.Contains("Unknown or incomplete argument '--port'", badText, StringComparison.Ordinal);

        (int small, string smallText) = await RunToEndAsync("--max-payload-bytes", "10");
        Assert.Equal(2, small);
        Assert.Contains("MaxPayloadBytes must be at least 1 KB", smallText, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_backend_on_the_same_file_is_refused_with_a_clear_message()
    {
        await using Backend running = await Backend.StartAsync();
        (int code, string output) = await RunToEndAsync("--port", ChildProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--database", running.DatabasePath);
        Assert.Equal(1, code);
        Assert.Contains("is in use by another durable backend process", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task SIGTERM_stops_the_backend_cleanly()
    {
        using ChildProcess backend = await ChildProcess.BackendAsync(ChildProcess.FreePort(), Backend.NewDatabasePath());
        Assert.Equal(0, await backend.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    private static async Task<(int Code, string Output)> RunToEndAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BatchEmbed.DurableTask.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
