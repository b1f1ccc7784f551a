using System.Diagnostics;

namespace BatchEmbed.EndToEnd.Tests;

/// <summary>Runs a real child process with a timeout and captures its output.</summary>
internal sealed record ProcessRun(int ExitCode, string Output, string Error)
{
    public static async Task<ProcessRun> DotnetAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout}.");
        }

        return new ProcessRun(process.ExitCode, await stdout, await stderr);
    }
}
