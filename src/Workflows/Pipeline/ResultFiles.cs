using System.Runtime.CompilerServices;
using BatchEmbed.Connectors.Batches;
using BatchEmbed.Connectors.Blobs;
using BatchEmbed.Domain.Batches;
using BatchEmbed.Domain.Results;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>Streams result lines from a provider file, or from the blob parts the synchronous fallback wrote.</summary>
public sealed class ResultFiles(IBatchProvider provider, IBlobStore blobs)
{
    /// <summary>Every result line of a terminal batch: its output file, then its error file.</summary>
    public async IAsyncEnumerable<BatchResultLine> ReadAllAsync(BatchSummary batch, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (string? fileId in new[] { batch.OutputFileId, batch.ErrorFileId })
        {
            if (fileId is null)
            {
                continue;
            }

            await foreach (BatchResultLine line in ReadAsync(fileId, ct))
            {
                yield return line;
            }
        }
    }

    /// <summary>What a request of a terminal batch that got no result line is told: a code from how the batch ended, and its errors.</summary>
    public static (string Code, string Message) Missing(BatchSummary batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        string code = batch.Status switch
        {
            BatchStatus.Expired => "batch_expired",
            BatchStatus.Cancelled => "batch_cancelled",
            BatchStatus.Failed => "batch_failed",
            _ => "missing",
        };
        return (code, batch.Errors.Count > 0 ? string.Join("; ", batch.Errors) : "no result line was returned for this request");
    }

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
