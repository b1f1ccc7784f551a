using System.Runtime.CompilerServices;

namespace BatchEmbed.Connectors.Blobs;

/// <summary>
/// Blobs as files under a root directory (the embedded default; the same works on an Azure Files mount). Writes go to a
/// temporary file that is flushed to disk and renamed over the target, so a crash leaves the old blob or the new one.
/// </summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    private const string TempSuffix = ".tmp-write";
    private readonly string _root;

    public FileSystemBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public Task<long> WriteAsync(string path, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        return WriteAsync(path, s => content.CopyToAsync(s, cancellationToken), cancellationToken);
    }

    public async Task<long> WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Resolve(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(fs);
                await fs.FlushAsync(cancellationToken);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            return new FileInfo(full).Length;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        string full = Resolve(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Blob '{path}' does not exist.", path);
        }

        return Task.FromResult<Stream>(new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public Task<bool> ExistsAsync(string path, CancellationToken cancellationToken) => Task.FromResult(File.Exists(Resolve(path)));

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        BlobPath.Validate(prefix, allowEmpty: true);
        string dirPart = prefix.Contains('/', StringComparison.Ordinal) ? prefix[..prefix.LastIndexOf('/')] : string.Empty;
        string searchRoot = Path.Combine(_root, dirPart);
        if (!Directory.Exists(searchRoot))
        {
            yield break;
        }

        var found = new List<BlobInfo>();
        foreach (string file in Directory.EnumerateFiles(searchRoot, "*", SearchOption.AllDirectories))
        {
            if (file.EndsWith(TempSuffix, StringComparison.Ordinal))
            {
                continue; // an unfinished write (or one a crash interrupted)
            }

            string relative = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith(prefix, StringComparison.Ordinal))
            {
                var info = new FileInfo(file);
                found.Add(new BlobInfo(relative, info.Length, info.LastWriteTimeUtc));
            }
        }

        foreach (BlobInfo b in found.OrderBy(b => b.Path, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return b;
        }

        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        string full = Resolve(path);
        if (!File.Exists(full))
        {
            return Task.FromResult(false);
        }

        File.Delete(full);
        return Task.FromResult(true);
    }

    private string Resolve(string path)
    {
        BlobPath.Validate(path, allowEmpty: false);
        string full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Blob path '{path}' is outside the store.", nameof(path));
        }

        return full;
    }
}
