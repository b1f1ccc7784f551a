using System.Globalization;
using System.Security.Cryptography;

namespace BatchEmbed.Bench;

/// <summary>
/// Azurite from tools/azurite as its own process, with an account and key made for this run (AZURITE_ACCOUNTS), so
/// no storage key is kept in the repository. Null where Azurite is not installed.
/// </summary>
internal sealed class AzuriteProcess : IDisposable
{
    private const string Account = "batchembedbench";
    private readonly BenchProcess _process;

    private AzuriteProcess(BenchProcess process, string connectionString)
    {
        _process = process;
        ConnectionString = connectionString;
    }

    /// <summary>Blob, queue and table endpoints of the account.</summary>
    public string ConnectionString { get; }

    public static string Script => Path.Combine(BenchProcess.RepoRoot(), "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");

    /// <param name="inMemory">Keep nothing on disk (<c>--inMemoryPersistence</c>): Azurite otherwise saves its whole table
    /// database to one file every few seconds, a pause that grows with the data.</param>
    public static async Task<AzuriteProcess?> StartAsync(string location, bool inMemory = false)
    {
        if (!File.Exists(Script))
        {
            return null;
        }

        int blob = BenchProcess.FreePort(), queue = BenchProcess.FreePort(), table = BenchProcess.FreePort();
        string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        BenchProcess process = await BenchProcess.StartAsync("node",
            [Script, "--silent", "--disableTelemetry", "--skipApiVersionCheck", .. (inMemory ? ["--inMemoryPersistence"] : new[] { "--location", location }),
             "--blobPort", Port(blob), "--queuePort", Port(queue), "--tablePort", Port(table)], "successfully listening",
            new Dictionary<string, string> { ["AZURITE_ACCOUNTS"] = $"{Account}:{key}" });
        return new AzuriteProcess(process, $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};");
    }

    public void Dispose() => _process.Dispose();

    private static string Port(int p) => p.ToString(CultureInfo.InvariantCulture);
}
