using System.Globalization;
using BatchEmbed.OpenAIEmulator;
using Microsoft.Extensions.Logging;

// dotnet run --project src/OpenAIEmulator -- --port 8089 --data .data/emulator [--api-key KEY] [--lines-per-second N]
var options = new EmulatorOptions();
int port = 8089;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--port": port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--data": options.DataDirectory = Next(); break;
        case "--api-key": options.ApiKey = Next(); break;
        case "--lines-per-second": options.LinesPerSecond = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--profile": options.Profile = Next(); break;
        case "--line-error-rate": options.Faults.LineErrorRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "-h" or "--help":
            Console.WriteLine("OpenAI Batch emulator. Options: --port P (8089), --data DIR (.data/emulator), --api-key KEY (emulator-key), --lines-per-second N (20000; 0 = unthrottled), --profile openai|azure-fail-fast, --line-error-rate R (0..1)");
            return 0;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Use --help.");
            return 2;
    }
}

await using EmulatorServer server = await EmulatorServer.StartAsync(options, port, l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
Console.WriteLine($"OpenAI emulator listening: OpenAI endpoint {server.OpenAIEndpoint}, Azure v1 endpoint {server.AzureEndpoint}; data in {Path.GetFullPath(options.DataDirectory)}. Ctrl+C to stop.");
await server.WaitForShutdownAsync(); // Ctrl+C (SIGINT) or SIGTERM, as a service manager or container sends it
return 0;
