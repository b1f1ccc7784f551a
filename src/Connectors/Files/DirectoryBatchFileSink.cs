using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Connectors.Files;

/// <summary>
/// Writes batch files into a directory: each as <c>.{sequence}.jsonl.tmp</c> first, renamed to <c>{batchId}.jsonl</c>
/// once complete, so a crash never leaves a truncated file under a real batch id.
/// </summary>
public sealed class DirectoryBatchFileSink : IBatchFileSink
{
    private readonly string _directory;

    public DirectoryBatchFileSink(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    public string DirectoryPath => _directory;

    public ValueTask<Stream> CreateAsync(int sequence, CancellationToken cancellationToken)
    {
        var stream = new FileStream(TempPath(sequence), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return ValueTask.FromResult<Stream>(stream);
    }

    public ValueTask<string> CommitAsync(int sequence, string batchId, CancellationToken cancellationToken)
    {
        string final = Path.Combine(_directory, batchId + ".jsonl");
        File.Move(TempPath(sequence), final, overwrite: true);
        return ValueTask.FromResult(final);
    }

    private string TempPath(int sequence) => Path.Combine(_directory, $".{sequence:D5}.jsonl.tmp");
}
