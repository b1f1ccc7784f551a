using System.CommandLine;
using System.Text.Json;

namespace BatchEmbed.Cli.Remote;

/// <summary>Where the host is and which key to send: --url/BATCHEMBED_URL, --key/BATCHEMBED_KEY, else the data directory's key file.</summary>
internal sealed class RemoteOptions
{
    public const string DefaultUrl = "http://127.0.0.1:7071/";

    public Option<string?> Url { get; } = new("--url") { Description = "The host's base URL (default: $BATCHEMBED_URL or " + DefaultUrl + ")." };

    public Option<string?> Key { get; } = new("--key") { Description = "The function key (default: $BATCHEMBED_KEY, else the one in --data's host-keys.json)." };

    public Option<string> Data { get; } = new("--data") { Description = "The host's data directory, to find its key.", DefaultValueFactory = _ => ".data" };

    public void AddTo(Command command)
    {
        command.Options.Add(Url);
        command.Options.Add(Key);
        command.Options.Add(Data);
    }

    public HostClient CreateClient(ParseResult parse)
    {
        string url = parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("BATCHEMBED_URL") ?? DefaultUrl;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out Uri? baseUrl))
        {
            throw new ArgumentException($"--url '{url}' is not an absolute URL.");
        }

        string? key = parse.GetValue(Key) ?? Environment.GetEnvironmentVariable("BATCHEMBED_KEY") ?? KeyFromFile(parse.GetValue(Data)!);
        return new HostClient(baseUrl, key);
    }

    private static string? KeyFromFile(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, "host-keys.json");
        if (!File.Exists(path))
        {
            return null;
        }

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("FunctionKey", out JsonElement k) ? k.GetString() : null;
    }
}
