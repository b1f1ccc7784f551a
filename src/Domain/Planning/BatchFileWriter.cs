using System.Security.Cryptography;
using System.Text;

namespace BatchEmbed.Domain.Planning;

/// <summary>
/// Appends request lines to the current batch file and starts a new file whenever the next line would break a limit.
/// The batch id is a hash of the settings and every line, so the same input always gives the same ids.
/// </summary>
internal sealed class BatchFileWriter : IAsyncDisposable
{
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    private readonly IBatchFileSink _sink;
    private readonly BatchLimits _limits;
    private readonly string _kind;
    private readonly string _idPrefix;
    private readonly string _endpoint;
    private readonly string _model;
    private readonly string _fingerprint;
    private readonly string _salt;
    private readonly HashSet<string> _customIds = new(StringComparer.Ordinal);

    private Stream? _stream;
    private IncrementalHash? _hash;
    private int _sequence;
    private int _requests;
    private int _inputs;
    private long _tokens;
    private long _bytes;
    private decimal _usd;
    private string _first = string.Empty;
    private string _last = string.Empty;

    public BatchFileWriter(IBatchFileSink sink, BatchLimits limits, string kind, string idPrefix, string endpoint, string model, string fingerprint, string? salt = null)
    {
        _salt = string.IsNullOrEmpty(salt) ? string.Empty : "|" + salt;
        _sink = sink;
        _limits = limits;
        _kind = kind;
        _idPrefix = idPrefix;
        _endpoint = endpoint;
        _model = model;
        _fingerprint = fingerprint;
    }

    /// <summary>Why a single request can never fit a batch, or null if it can.</summary>
    public string? WhyNeverFits(int lineBytes, long tokens)
    {
        if (lineBytes + 1 > _limits.MaxFileBytes)
        {
            return $"the request is {lineBytes:N0} bytes, over the {_limits.MaxFileBytes:N0}-byte file limit";
        }

        if (_limits.MaxTokens is { } cap && tokens > cap)
        {
            return $"the request has {tokens:N0} tokens, over the {cap:N0}-token cap per batch";
        }

        return null;
    }

    public bool Contains(string customId) => _customIds.Contains(customId);

    /// <summary>Appends a line (without its newline); returns the batch that was closed to make room, if any.</summary>
    public async ValueTask<PlannedBatch?> AppendAsync(ReadOnlyMemory<byte> line, string customId, int inputs, long tokens, decimal usd, CancellationToken cancellationToken)
    {
        PlannedBatch? closed = null;
        if (_stream is not null && !Fits(line.Length, inputs, tokens))
        {
            closed = await CloseAsync(cancellationToken);
        }

        if (_stream is null)
        {
            _stream = await _sink.CreateAsync(_sequence, cancellationToken);
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            _hash.AppendData(Encoding.UTF8.GetBytes($"{_kind}|{_endpoint}|{_model}|{_fingerprint}{_salt}\n"));
            _first = customId;
        }

        await _stream.WriteAsync(line, cancellationToken);
        await _stream.WriteAsync(s_newline, cancellationToken);
        _hash!.AppendData(line.Span);
        _hash.AppendData(s_newline);
        _customIds.Add(customId);
        _last = customId;
        _requests++;
        _inputs += inputs;
        _tokens += tokens;
        _bytes += line.Length + 1;
        _usd += usd;
        return closed;
    }

    public async ValueTask<PlannedBatch?> FinishAsync(CancellationToken cancellationToken)
    {
        return _stream is null ? null : await CloseAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
            _stream = null;
        }

        _hash?.Dispose();
    }

    private bool Fits(int lineBytes, int inputs, long tokens)
    {
        return _requests + 1 <= _limits.MaxRequests
            && (_limits.MaxInputs is not { } maxInputs || _inputs + inputs <= maxInputs)
            && _bytes + lineBytes + 1 <= _limits.MaxFileBytes
            && (_limits.MaxTokens is not { } maxTokens || _tokens + tokens <= maxTokens);
    }

    private async ValueTask<PlannedBatch> CloseAsync(CancellationToken cancellationToken)
    {
        await _stream!.FlushAsync(cancellationToken);
        await _stream.DisposeAsync();
        _stream = null;
        string digest = Convert.ToHexStringLower(_hash!.GetHashAndReset())[..16];
        _hash.Dispose();
        _hash = null;
        string batchId = $"{_idPrefix}-{digest}";
        string path = await _sink.CommitAsync(_sequence, batchId, cancellationToken);
        var batch = new PlannedBatch(batchId, _kind, _endpoint, _model, _fingerprint, _requests, _inputs, _tokens, _bytes, _usd, path, _first, _last);
        _sequence++;
        _requests = 0;
        _inputs = 0;
        _tokens = 0;
        _bytes = 0;
        _usd = 0;
        _customIds.Clear();
        return batch;
    }
}
