using BatchEmbed.Domain.Items;

namespace BatchEmbed.Connectors.Items;

/// <summary>
/// The item store port. Updates are conditional so that concurrent and stale work cannot clobber newer state: items are
/// claimed only while unclaimed, and results land only where the item's <c>batchId</c> still matches.
/// </summary>
public interface IItemStore
{
    /// <summary>Upserts by id; an item whose text (content hash) changed goes back to None so it is re-embedded.</summary>
    Task<ImportResult> ImportAsync(string collection, IAsyncEnumerable<CorpusItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// Items that need an embedding for <paramref name="fingerprint"/>, by id after <paramref name="afterId"/>: status None,
    /// or Succeeded under another fingerprint. Pending (in flight) and Failed items are not returned.
    /// </summary>
    Task<ItemPage> FindUnembeddedAsync(string collection, string fingerprint, string? afterId, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// Splits the items that need an embedding into consecutive id ranges of at most <paramref name="pageSize"/> items,
    /// stopping after <paramref name="maxItems"/> items. Reads ids only.
    /// </summary>
    Task<IReadOnlyList<ItemRange>> PageUnembeddedAsync(string collection, string fingerprint, int pageSize, long? maxItems, CancellationToken cancellationToken);

    /// <summary>Of <paramref name="ids"/>, those still claimed (Pending) by <paramref name="batchId"/>.</summary>
    Task<IReadOnlySet<string>> ClaimedByAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken);

    /// <summary>Every collection that has items, in name order.</summary>
    Task<IReadOnlyList<string>> CollectionsAsync(CancellationToken cancellationToken);

    /// <summary>Claims items for a batch (status Pending); only items not claimed by another batch. Returns how many.</summary>
    Task<int> MarkPendingAsync(string collection, IReadOnlyCollection<string> ids, string batchId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks items embedded, only where their batchId still is <paramref name="batchId"/>, recording how many chunk
    /// vectors each now spans (so a later, shorter embedding can tombstone the chunks it no longer has). Returns how many.
    /// </summary>
    Task<int> MarkSucceededAsync(string collection, IReadOnlyDictionary<string, int> chunksById, string batchId, string fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Marks items answered by a completion batch (status Succeeded under <paramref name="fingerprint"/>, with the answer
    /// as JSON in <see cref="StoredItem.Outcome"/>), only where their batchId still is <paramref name="batchId"/>. Returns how many.
    /// </summary>
    Task<int> MarkAnsweredAsync(string collection, IReadOnlyDictionary<string, string> outcomesById, string batchId, string fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Every item whose id starts with <paramref name="prefix"/> (the whole collection for ""), whatever its status, by id
    /// after <paramref name="afterId"/>: a keyset page of at most <paramref name="pageSize"/>.
    /// </summary>
    Task<ItemPage> ListAsync(string collection, string prefix, string? afterId, int pageSize, CancellationToken cancellationToken);

    /// <summary>
    /// For items still claimed by <paramref name="batchId"/> whose previous embedding was under
    /// <paramref name="fingerprint"/>: how many chunk vectors that embedding spans (other items are absent).
    /// </summary>
    Task<IReadOnlyDictionary<string, int>> PreviousChunksAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string fingerprint, CancellationToken cancellationToken);

    /// <summary>
    /// Puts items of <paramref name="batchId"/> back to None with the reason, or to Failed once they have had
    /// <paramref name="maxAttempts"/> attempts. Returns (requeued, failed).
    /// </summary>
    Task<(int Requeued, int Failed)> RequeueAsync(string collection, IReadOnlyCollection<string> ids, string batchId, string reason, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Resets every item of the collection to None (seed 000's reset). Returns how many changed.</summary>
    Task<int> ResetStatusesAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Sends every Failed item (out of attempts) back to None with its attempts at zero; returns how many.</summary>
    Task<int> ResetFailedAsync(string collection, CancellationToken cancellationToken);

    /// <summary>
    /// Takes over embeddings made elsewhere (a migration's shadow collection): each item of <paramref name="collection"/>
    /// whose content hash matches one of <paramref name="embedded"/> (Succeeded ones) becomes Succeeded under its
    /// fingerprint, chunks and batch, unless it is Pending (claimed by a batch in flight). Returns how many changed.
    /// </summary>
    Task<int> AdoptAsync(string collection, IReadOnlyCollection<StoredItem> embedded, CancellationToken cancellationToken);

    /// <summary>Deletes every item of a collection; returns how many there were.</summary>
    Task<long> DeleteCollectionAsync(string collection, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<ItemStatus, long>> CountByStatusAsync(string collection, CancellationToken cancellationToken);

    Task<StoredItem?> GetAsync(string collection, string id, CancellationToken cancellationToken);
}
