using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Connectors.Blobs;

/// <summary>
/// Writes planned batch files into the blob store under <c>{prefix}/{batchId}.jsonl</c>. Each file is staged in a local
/// temporary file (its batch id, a hash of its content, is known only once it is complete) and then written atomically.
/// </summary>
public sealed class BlobBatchFileSink(IBlobStore blobs, string prefix) : IBatchFileSink, IDisposable
{
    private readonly Dictionary<int, string> _staged = [];

    public ValueTask<Stream> CreateAsync(int sequence, CancellationToken cancellationToken)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"batchembed-stage-{Guid.NewGuid():N}.jsonl");
        _staged[sequence] = temp;
        return ValueTask.FromResult<Stream>(new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous));
    }

    public async ValueTask<string> CommitAsync(int sequence, string batchId, CancellationToken cancellationToken)
    {
        string temp = _staged[sequence];
        string path = $"{prefix.TrimEnd('/')}/{batchId}.jsonl";
        await using (var fs = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose))
        {
            await blobs.WriteAsync(path, fs, cancellationToken);
        }

        _staged.Remove(sequence);
        return path;
    }

    public void Dispose()
    {
        foreach (string temp in _staged.Values)
        {
            File.Delete(temp);
        }

        _staged.Clear();
    }
}
