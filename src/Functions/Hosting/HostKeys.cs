using System.Security.Cryptography;
using System.Text.Json;
using BatchEmbed.Functions.Settings;

namespace BatchEmbed.Functions.Hosting;

/// <summary>
/// The host's keys, like Functions' function, master and durabletask_extension system keys. Configured keys win;
/// otherwise they are generated once into <c>{data}/host-keys.json</c> (owner-only) and reused on every start.
/// </summary>
public sealed record HostKeys(string FunctionKey, string AdminKey, string DurableKey, bool Generated)
{
    public const string FileName = "host-keys.json";

    public static HostKeys Resolve(string dataDirectory, HostingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string path = Path.Combine(dataDirectory, FileName);
        Stored? stored = File.Exists(path) ? JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) : null;
        bool generated = false;
        if (stored is null || string.IsNullOrEmpty(stored.FunctionKey) || string.IsNullOrEmpty(stored.AdminKey) || string.IsNullOrEmpty(stored.DurableKey))
        {
            stored = new Stored(NewKey(), NewKey(), NewKey());
            Directory.CreateDirectory(dataDirectory);
            string temp = path + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(stored));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temp, path, overwrite: true);
            generated = true;
        }

        return new HostKeys(
            string.IsNullOrEmpty(options.FunctionKey) ? stored.FunctionKey : options.FunctionKey,
            string.IsNullOrEmpty(options.AdminKey) ? stored.AdminKey : options.AdminKey,
            stored.DurableKey,
            generated);
    }

    /// <summary>Constant-time comparison against any of <paramref name="keys"/>.</summary>
    public static bool Matches(string? presented, params string[] keys)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        byte[] p = System.Text.Encoding.UTF8.GetBytes(presented);
        bool any = false;
        foreach (string k in keys)
        {
            any |= CryptographicOperations.FixedTimeEquals(p, System.Text.Encoding.UTF8.GetBytes(k));
        }

        return any;
    }

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', '-').Replace('/', '_');

    private sealed record Stored(string FunctionKey, string AdminKey, string DurableKey);
}
