using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace BatchEmbed.Connectors.Blobs;

/// <summary>
/// A write-only stream that stages what is written as blocks of a block blob (a few in flight at once) and commits
/// the block list only when <see cref="CommitAsync"/> is called: until then readers see the blob as it was, and a
/// writer that fails or is killed leaves only uncommitted blocks, which the service discards. Memory stays at
/// <c>blockSize × (maxInFlight + 1)</c> whatever the blob's size.
/// </summary>
internal sealed class BlockStagingStream : Stream
{
    private readonly BlockBlobClient _blob;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly CancellationToken _cancellationToken;
    private readonly List<string> _blockIds = [];
    private readonly List<Task> _inFlight = [];
    private readonly string _prefix = Guid.NewGuid().ToString("N")[..8];
    private byte[] _buffer;
    private int _filled;
    private long _length;

    public BlockStagingStream(BlockBlobClient blob, int blockSize, int maxInFlight, CancellationToken cancellationToken)
    {
        _blob = blob;
        _blockSize = blockSize;
        _maxInFlight = maxInFlight;
        _cancellationToken = cancellationToken;
        _buffer = ArrayPool<byte>.Shared.Rent(blockSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            int n = Math.Min(buffer.Length, _blockSize - _filled);
            buffer[..n].CopyTo(_buffer.AsMemory(_filled));
            _filled += n;
            _length += n;
            buffer = buffer[n..];
            if (_filled == _blockSize)
            {
                await StageAsync();
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Stages what is left and commits every block in order: the blob now holds exactly what was written (an empty
    /// block list makes an empty blob).
    /// </summary>
    public async Task CommitAsync(BlobHttpHeaders? headers)
    {
        if (_filled > 0)
        {
            await StageAsync();
        }

        await Task.WhenAll(_inFlight);
        await _blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions { HttpHeaders = headers }, _cancellationToken);
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        base.Dispose(disposing);
    }

    private async Task StageAsync()
    {
        _inFlight.RemoveAll(t => t.IsCompletedSuccessfully);
        if (_inFlight.Count >= _maxInFlight)
        {
            await Task.WhenAny(_inFlight);
            foreach (Task failed in _inFlight.Where(t => t.IsFaulted || t.IsCanceled))
            {
                await failed; // rethrows the first staging failure
            }

            _inFlight.RemoveAll(t => t.IsCompleted);
        }

        // Block ids must all have the same length within a blob.
        string id = Convert.ToBase64String(Encoding.ASCII.GetBytes(_prefix + _blockIds.Count.ToString("D8", CultureInfo.InvariantCulture)));
        _blockIds.Add(id);
        byte[] block = _buffer;
        int length = _filled;
        _buffer = ArrayPool<byte>.Shared.Rent(_blockSize);
        _filled = 0;
        _inFlight.Add(StageOneAsync(id, block, length));
    }

    private async Task StageOneAsync(string id, byte[] block, int length)
    {
        try
        {
            using var content = new MemoryStream(block, 0, length, writable: false);
            await _blob.StageBlockAsync(id, content, new BlockBlobStageBlockOptions(), _cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
    }
}
