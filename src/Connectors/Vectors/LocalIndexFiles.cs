using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// Index files in a local directory, one subdirectory per index. The manifest and aliases are replaced by writing a
/// temp file, flushing and renaming; their version is a hash of their content, checked and replaced under a lock per
/// file shared by every store of this process (the embedded index is for one process). Files no manifest names are
/// removed after <paramref name="grace"/>.
/// </summary>
internal sealed class LocalIndexFiles(string root, TimeSpan grace) : IIndexFiles
{
    private static readonly ConcurrentDictionary<string, Lock> s_locks = new(StringComparer.Ordinal);

    private string AliasesPath => Path.Combine(root, "aliases.json");

    public string LocalDirectory(string index) => Directory.CreateDirectory(Path.Combine(root, index)).FullName;

    public Task<(IndexManifest Manifest, string? Version)> ReadManifestAsync(string index, CancellationToken ct)
    {
        (byte[]? content, string? version) = Read(ManifestPath(index));
        return Task.FromResult((content is null ? IndexManifest.Empty : IndexManifest.Parse(content), version));
    }

    public Task<bool> TryWriteManifestAsync(string index, IndexManifest manifest, string? version, CancellationToken ct) =>
        Task.FromResult(TryReplace(ManifestPath(index), manifest.ToJson(), version));

    public Task PublishAsync(string index, string name, CancellationToken ct) => Task.CompletedTask;

    public Task FetchAsync(string index, string name, CancellationToken ct) =>
        File.Exists(Path.Combine(LocalDirectory(index), name)) ? Task.CompletedTask : throw new FileNotFoundException($"Index file {index}/{name} is gone.", name);

    public void Evict(string index, string name)
    {
        // the directory is the index itself, not a copy
    }

    public Task DeleteAsync(string index, IEnumerable<string> names, CancellationToken ct)
    {
        foreach (string name in names)
        {
            DeleteFile(Path.Combine(LocalDirectory(index), name));
        }

        return Task.CompletedTask;
    }

    public Task RemoveOrphansAsync(string index, IReadOnlySet<string> live, CancellationToken ct)
    {
        DateTime before = DateTime.UtcNow - grace;
        foreach (string file in Directory.EnumerateFiles(LocalDirectory(index)))
        {
            string name = Path.GetFileName(file);
            if (name != IndexManifest.FileName && !live.Contains(name) && File.GetLastWriteTimeUtc(file) <= before)
            {
                DeleteFile(file);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Deletes a file; one still mapped by a search on a system that refuses that is left for the next compaction.</summary>
    internal static void DeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    public Task<(Dictionary<string, string> Aliases, string? Version)> ReadAliasesAsync(CancellationToken ct)
    {
        (byte[]? content, string? version) = Read(AliasesPath);
        return Task.FromResult((content is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(content) ?? [], version));
    }

    public Task<bool> TryWriteAliasesAsync(Dictionary<string, string> aliases, string? version, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        return Task.FromResult(TryReplace(AliasesPath, JsonSerializer.SerializeToUtf8Bytes(aliases), version));
    }

    private string ManifestPath(string index) => Path.Combine(LocalDirectory(index), IndexManifest.FileName);

    private static (byte[]? Content, string? Version) Read(string path)
    {
        byte[]? content = File.Exists(path) ? File.ReadAllBytes(path) : null;
        return (content, content is null ? null : Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    private static bool TryReplace(string path, byte[] content, string? version)
    {
        lock (s_locks.GetOrAdd(Path.GetFullPath(path), _ => new Lock()))
        {
            if (Read(path).Version != version)
            {
                return false;
            }

            string temp = path + ".tmp";
            using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                fs.Write(content);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            return true;
        }
    }
}
