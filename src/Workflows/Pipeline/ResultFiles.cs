using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Streams result lines from a provider file, or from the blob parts the synchronous fallback wrote.</summary>
public sealed class ResultFiles(IBatchProvider provider, IBlobStore blobs)
{
    public async IAsyncEnumerable<BatchResultLine> ReadAsync(string fileId, [EnumeratorCancellation] CancellationToken ct)
    {
        if (fileId.StartsWith(SyncEmbedder.BlobFilePrefix, StringComparison.Ordinal))
        {
            string prefix = fileId[SyncEmbedder.BlobFilePrefix.Length..];
            await foreach (BlobInfo part in blobs.ListAsync(prefix, ct))
            {
                await using Stream s = await blobs.OpenReadAsync(part.Path, ct);
                await foreach (BatchResultLine line in BatchResultReader.ReadAsync(s, ct))
                {
                    yield return line;
                }
            }

            yield break;
        }

        await using Stream stream = await provider.OpenFileAsync(fileId, ct);
        await foreach (BatchResultLine line in BatchResultReader.ReadAsync(stream, ct))
        {
            yield return line;
        }
    }
}
