using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Domain.Planning;
using BatchEmbed.Domain.Quota;
using global::OpenAI;
using global::OpenAI.Batch;
using global::OpenAI.Embeddings;
using global::OpenAI.Files;

namespace BatchEmbed.Connectors.OpenAI;

/// <summary>
/// The batch provider over the official OpenAI .NET SDK (2.15), for OpenAI, Azure OpenAI (v1 endpoint, api-key header)
/// and the emulator. Creation is exactly once: the SDK's own retries are off for <c>POST /batches</c>, and each of our
/// attempts first looks for a batch carrying our <c>batchId</c> in its metadata.
/// </summary>
public sealed class OpenAIBatchProvider : IBatchProvider
{
    private readonly OpenAIProviderOptions _options;
    private readonly OpenAIFileClient _files;
    private readonly BatchClient _batches;
    private readonly BatchClient _create;
    private readonly AuthenticationPolicy _auth;

    public OpenAIBatchProvider(OpenAIProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        var credential = new ApiKeyCredential(options.ApiKey);
        AuthenticationPolicy auth = options.Profile == "azure"
            ? ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(credential, "api-key")
            : ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(credential);
        _files = new OpenAIFileClient(auth, new OpenAIClientOptions { Endpoint = options.Endpoint, NetworkTimeout = options.NetworkTimeout });
        _batches = new BatchClient(auth, new BatchClientOptions { Endpoint = options.Endpoint, NetworkTimeout = options.NetworkTimeout });
        _auth = auth;
        _create = new BatchClient(auth, new BatchClientOptions { Endpoint = options.Endpoint, NetworkTimeout = options.NetworkTimeout, RetryPolicy = new ClientRetryPolicy(0) });
    }

    public ProviderProfile Profile => _options.ProviderProfile;

    public async Task<string> UploadBatchFileAsync(Stream content, string fileName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!fileName.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Batch input files must be named *.jsonl (the SDK and the service check the extension).", nameof(fileName));
        }

        return await Call(async () => (await _files.UploadFileAsync(content, fileName, FileUploadPurpose.Batch, cancellationToken)).Value.Id, cancellationToken);
    }

    public async Task<ProviderBatch> CreateBatchAsync(BatchCreateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = new Dictionary<string, string>(request.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [BatchCreateRequest.BatchIdKey] = request.BatchId,
        };
        string endpoint = _options.Profile == "azure" && request.Endpoint.StartsWith("/v1/", StringComparison.Ordinal) ? request.Endpoint[3..] : request.Endpoint;
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { input_file_id = request.InputFileId, endpoint, completion_window = "24h", metadata });

        for (int attempt = 1; ; attempt++)
        {
            if (await FindBatchAsync(request.BatchId, cancellationToken) is { } existing)
            {
                return existing; // an earlier attempt was accepted though its response was lost
            }

            try
            {
                using BinaryContent content = BinaryContent.Create(BinaryData.FromBytes(body));
                CreateBatchOperation op = await Call(() => _create.CreateBatchAsync(content, waitUntilCompleted: false, new RequestOptions { CancellationToken = cancellationToken }), cancellationToken);
                return Parse(op.GetRawResponse());
            }
            catch (BatchProviderException ex) when (ex.IsRetriable && attempt < _options.CreateAttempts)
            {
                TimeSpan wait = ex.RetryAfter ?? TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1));
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    public Task<ProviderBatch> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken) =>
        Call(async () => Parse((await _batches.GetBatchAsync(providerBatchId, new RequestOptions { CancellationToken = cancellationToken })).GetRawResponse()), cancellationToken);

    public Task<ProviderBatch> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            CreateBatchOperation op = await CreateBatchOperation.RehydrateAsync(_batches, providerBatchId, cancellationToken);
            return Parse((await op.CancelAsync(new RequestOptions { CancellationToken = cancellationToken })).GetRawResponse());
        }, cancellationToken);

    public async IAsyncEnumerable<ProviderBatch> ListBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        while (true)
        {
            PipelineResponse page = await Call(async () =>
            {
                AsyncCollectionResult pages = _batches.GetBatchesAsync(after, 100, new RequestOptions { CancellationToken = cancellationToken });
                await foreach (ClientResult first in pages.GetRawPagesAsync())
                {
                    return first.GetRawResponse();
                }

                throw new BatchProviderException(BatchProviderErrorKind.Transient, "The batch list returned no page.");
            }, cancellationToken);

            using JsonDocument doc = JsonDocument.Parse(page.Content);
            JsonElement root = doc.RootElement;
            string? last = null;
            foreach (JsonElement b in root.GetProperty("data").EnumerateArray())
            {
                ProviderBatch batch = BatchJson.Parse(b);
                last = batch.Id;
                yield return batch;
            }

            if (last is null || !root.TryGetProperty("has_more", out JsonElement more) || !more.GetBoolean())
            {
                yield break;
            }

            after = last;
        }
    }

    public async Task<ProviderBatch?> FindBatchAsync(string batchId, CancellationToken cancellationToken)
    {
        DateTimeOffset since = DateTimeOffset.UtcNow - _options.FindWindow;
        await foreach (ProviderBatch b in ListBatchesAsync(cancellationToken))
        {
            if (b.BatchId == batchId && !(b.Status == "failed" && b.Errors.Any(e => e.Code == EnqueuedLimitRefusal.Code)))
            {
                return b; // a batch refused for the enqueued-token limit was never accepted: it is not the one to return
            }

            if (b.CreatedAt < since)
            {
                break; // newest first: nothing older can be ours
            }
        }

        return null;
    }

    public Task<Stream> OpenFileAsync(string fileId, CancellationToken cancellationToken) =>
        Call(async () =>
        {
            ClientResult result = await _files.DownloadFileAsync(fileId, new RequestOptions { BufferResponse = false, CancellationToken = cancellationToken });
            PipelineResponse response = result.GetRawResponse();
            return (Stream)new ResponseStream(response);
        }, cancellationToken);

    public Task DeleteFileAsync(string fileId, CancellationToken cancellationToken) =>
        Call(async () => (await _files.DeleteFileAsync(fileId, cancellationToken)).Value.Deleted, cancellationToken);

    public Task<SyncEmbeddings> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var client = new EmbeddingClient(model, _auth, new OpenAIClientOptions { Endpoint = _options.Endpoint, NetworkTimeout = _options.NetworkTimeout });
        var options = new EmbeddingGenerationOptions { Dimensions = dimensions };
        return Call(async () =>
        {
            OpenAIEmbeddingCollection result = (await client.GenerateEmbeddingsAsync(inputs, options, cancellationToken)).Value;
            var vectors = new float[inputs.Count][];
            foreach (OpenAIEmbedding e in result)
            {
                vectors[e.Index] = e.ToFloats().ToArray();
            }

            if (vectors.Any(v => v is null))
            {
                throw new BatchProviderException(BatchProviderErrorKind.Transient, "The embeddings response did not cover every input.");
            }

            return new SyncEmbeddings(vectors, result.Usage?.InputTokenCount ?? 0);
        }, cancellationToken);
    }

    private static ProviderBatch Parse(PipelineResponse response)
    {
        using JsonDocument doc = JsonDocument.Parse(response.Content);
        return BatchJson.Parse(doc.RootElement);
    }

    /// <summary>Runs an SDK call and maps its failures to typed provider errors.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (ClientResultException ex)
        {
            throw Map(ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // The SDK's retry policy gives up with every attempt's failure: the last one says what happened.
            throw ex.InnerExceptions[^1] is ClientResultException last
                ? Map(last)
                : new BatchProviderException(BatchProviderErrorKind.Transient, ex.InnerExceptions[^1].Message, null, null, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BatchProviderException(BatchProviderErrorKind.Transient, "The provider did not answer in time.", null, null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new BatchProviderException(BatchProviderErrorKind.Transient, "The connection to the provider failed: " + ex.Message, null, null, ex);
        }
        catch (IOException ex)
        {
            throw new BatchProviderException(BatchProviderErrorKind.Transient, "The connection to the provider dropped: " + ex.Message, null, null, ex);
        }
    }

    private static BatchProviderException Map(ClientResultException ex)
    {
        TimeSpan? retryAfter = null;
        string message = ex.Message;
        string? code = null;
        if (ex.GetRawResponse() is { } response)
        {
            if (response.Headers.TryGetValue("Retry-After", out string? ra) && int.TryParse(ra, out int seconds))
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(response.Content);
                if (doc.RootElement.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.Object)
                {
                    message = e.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? message : message;
                    code = e.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                }
            }
            catch (JsonException)
            {
            }
        }

        BatchProviderErrorKind kind = ex.Status switch
        {
            401 or 403 => BatchProviderErrorKind.Auth,
            429 => BatchProviderErrorKind.RateLimit,
            404 => BatchProviderErrorKind.NotFound,
            400 or 409 or 413 or 422 => BatchProviderErrorKind.Validation,
            _ => BatchProviderErrorKind.Transient,
        };
        return new BatchProviderException(kind, message, ex.Status == 0 ? null : ex.Status, retryAfter, ex, code);
    }

    /// <summary>The response body as a stream; disposing it disposes the response.</summary>
    private sealed class ResponseStream(PipelineResponse response) : Stream
    {
        private readonly Stream _inner = response.ContentStream ?? Stream.Null;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
