namespace BatchEmbed.Domain.Planning;

/// <summary>A sink that keeps nothing: a dry run plans every batch (requests, tokens, cost) and writes no file.</summary>
public sealed class CountingBatchFileSink : IBatchFileSink
{
    public ValueTask<Stream> CreateAsync(int sequence, CancellationToken cancellationToken) => ValueTask.FromResult(Stream.Null);

    public ValueTask<string> CommitAsync(int sequence, string batchId, CancellationToken cancellationToken) => ValueTask.FromResult("(not written: dry run)");
}
