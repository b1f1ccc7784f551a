namespace BatchEmbed.Domain.Jsonl;

/// <summary>
/// Reads a stream line by line as UTF-8 bytes, never holding more than the longest line plus one read buffer.
/// <see cref="Current"/> is valid until the next call to <see cref="ReadLineAsync"/>.
/// </summary>
public sealed class Utf8LineReader
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanFrom;
    private bool _eof;
    private bool _atStart = true;

    public Utf8LineReader(Stream stream, int maxLineBytes = 64 * 1024 * 1024, int bufferSize = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(bufferSize, maxLineBytes + 1)];
    }

    /// <summary>1-based number of <see cref="Current"/>.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The current line without its line terminator (LF or CRLF).</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>True if the stream began with a UTF-8 byte order mark (it is not part of the first line).</summary>
    public bool HadByteOrderMark { get; private set; }

    /// <summary>Bytes of the stream consumed so far.</summary>
    public long Position { get; private set; }

    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_scanFrom, _end - _scanFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int lineEnd = _scanFrom + newline;
                SetCurrent(_start, lineEnd, lineEnd + 1);
                return true;
            }

            _scanFrom = _end;
            if (_eof)
            {
                if (_start == _end)
                {
                    Current = ReadOnlyMemory<byte>.Empty;
                    return false;
                }

                SetCurrent(_start, _end, _end);
                return true;
            }

            await FillAsync(cancellationToken);
        }
    }

    private void SetCurrent(int start, int end, int next)
    {
        Position += next - start;
        if (end > start && _buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        if (_atStart)
        {
            _atStart = false;
            if (end - start >= 3 && _buffer[start] == 0xEF && _buffer[start + 1] == 0xBB && _buffer[start + 2] == 0xBF)
            {
                HadByteOrderMark = true;
                start += 3;
            }
        }

        if (end - start > _maxLineBytes)
        {
            throw new LineTooLongException(LineNumber + 1, _maxLineBytes);
        }

        LineNumber++;
        Current = _buffer.AsMemory(start, end - start);
        _start = next;
        _scanFrom = next;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _scanFrom -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length > _maxLineBytes + 2)
            {
                throw new LineTooLongException(LineNumber + 1, _maxLineBytes);
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxLineBytes + 3L));
        }

        int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
