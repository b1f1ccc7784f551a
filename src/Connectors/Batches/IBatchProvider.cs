using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Connectors.Batches;

/// <summary>
/// The batch provider port: files and batches at OpenAI, Azure OpenAI or the emulator. Implementations throw
/// <see cref="BatchProviderException"/> with a <see cref="BatchProviderErrorKind"/> so callers can decide what to retry.
/// </summary>
public interface IBatchProvider
{
    /// <summary>The provider's limits and capabilities (Azure, for one, cannot batch embeddings).</summary>
    ProviderProfile Profile { get; }

    /// <summary>Uploads a batch input file (purpose batch); returns its file id.</summary>
    Task<string> UploadBatchFileAsync(Stream content, string fileName, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the batch exactly once for <see cref="BatchCreateRequest.BatchId"/>: if a batch with that metadata already
    /// exists (an earlier attempt whose response was lost), it is returned instead of creating another.
    /// </summary>
    Task<ProviderBatch> CreateBatchAsync(BatchCreateRequest request, CancellationToken cancellationToken);

    Task<ProviderBatch> GetBatchAsync(string providerBatchId, CancellationToken cancellationToken);

    Task<ProviderBatch> CancelBatchAsync(string providerBatchId, CancellationToken cancellationToken);

    /// <summary>Batches, newest first.</summary>
    IAsyncEnumerable<ProviderBatch> ListBatchesAsync(CancellationToken cancellationToken);

    /// <summary>Finds the batch created for our batch id, if any (searches recent batches by metadata).</summary>
    Task<ProviderBatch?> FindBatchAsync(string batchId, CancellationToken cancellationToken);

    /// <summary>Opens a file's content as a stream; it is never buffered whole. Dispose it.</summary>
    Task<Stream> OpenFileAsync(string fileId, CancellationToken cancellationToken);

    Task DeleteFileAsync(string fileId, CancellationToken cancellationToken);

    /// <summary>
    /// The synchronous embeddings API (full price), for providers that cannot batch embeddings. Vectors come back in
    /// input order. <paramref name="model"/> is the deployment name on Azure.
    /// </summary>
    Task<SyncEmbeddings> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, CancellationToken cancellationToken);
}

/// <summary>What one synchronous embeddings call returned.</summary>
public sealed record SyncEmbeddings(IReadOnlyList<float[]> Vectors, long PromptTokens);
