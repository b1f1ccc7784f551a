using System.Globalization;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.DurableTask.Sidecar.Hosting;

/// <summary>
/// The backend as its own process: <c>dotnet run --project src/Durable -- --port N --database FILE</c>. It prints
/// <c>Durable backend listening on http://127.0.0.1:N</c> once it accepts connections, and stops on Ctrl+C or SIGTERM.
/// </summary>
public static class StandaloneBackend
{
    public const string Usage = """
        Usage: durable-backend [--port N] [--database FILE] [--max-payload-bytes N] [--verbose]
          --port N               loopback port for gRPC (HTTP/2 cleartext); default 4001, 0 for any free port
          --database FILE        the SQLite task hub file; default .data/durable.db
          --max-payload-bytes N  largest input, output, result or state; default 1048576 (1 KB to 3 MB)
          --verbose              log at Information level (default: warnings only)
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!TryParse(args, out int port, out SidecarOptions options, out bool verbose, out string? error))
        {
            await Console.Error.WriteLineAsync(error is null ? Usage : $"{error}\n{Usage}");
            return error is null ? 0 : 2;
        }

        EmbeddedBackend backend;
        try
        {
            backend = await EmbeddedBackend.StartAsync(options, port,
                l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning), ownsProcess: true);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"Can't listen on 127.0.0.1:{port}: {e.Message}");
            return 1;
        }

        await using (backend)
        {
            Console.WriteLine($"Durable backend listening on {backend.Address}");
            await backend.WaitForShutdownAsync();
        }

        return 0;
    }

    private static bool TryParse(string[] args, out int port, out SidecarOptions options, out bool verbose, out string? error)
    {
        port = 4001;
        options = new SidecarOptions();
        verbose = false;
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (arg)
            {
                case "--help" or "-h":
                    return false;
                case "--verbose":
                    verbose = true;
                    continue;
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535:
                    port = p;
                    break;
                case "--database" when !string.IsNullOrWhiteSpace(value):
                    options = options with { DatabasePath = value };
                    break;
                case "--max-payload-bytes" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int max):
                    options = options with { MaxPayloadBytes = max };
                    break;
                default:
                    error = $"Unknown or incomplete argument '{arg}'.";
                    return false;
            }

            i++;
        }

        try
        {
            options.Validate();
            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
    }
}
