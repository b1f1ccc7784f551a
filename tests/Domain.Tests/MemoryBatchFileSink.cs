using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Domain.Tests;

/// <summary>Keeps committed batch files in memory, in commit order.</summary>
internal sealed class MemoryBatchFileSink : IBatchFileSink
{
    private readonly Dictionary<int, MemoryStream> _open = [];

    public List<(string BatchId, byte[] Bytes)> Committed { get; } = [];

    public ValueTask<Stream> CreateAsync(int sequence, CancellationToken cancellationToken)
    {
        var stream = new MemoryStream();
        _open[sequence] = stream;
        return ValueTask.FromResult<Stream>(new KeepOpen(stream));
    }

    public ValueTask<string> CommitAsync(int sequence, string batchId, CancellationToken cancellationToken)
    {
        Committed.Add((batchId, _open[sequence].ToArray()));
        _open.Remove(sequence);
        return ValueTask.FromResult("mem://" + batchId);
    }

    public List<System.Text.Json.JsonElement> Lines(int batch) =>
        System.Text.Encoding.UTF8.GetString(Committed[batch].Bytes)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.Clone())
            .ToList();

    private sealed class KeepOpen(MemoryStream inner) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}
