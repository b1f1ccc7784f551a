namespace BatchEmbed.Domain.Planning;

/// <summary>
/// Where the planner writes batch input files (a directory, a blob store). A file is written under a temporary name
/// and committed under its batch id once complete, so a crash never leaves a half-written file that looks finished.
/// </summary>
public interface IBatchFileSink
{
    /// <summary>Opens a writable stream for the <paramref name="sequence"/>-th file of this plan.</summary>
    ValueTask<Stream> CreateAsync(int sequence, CancellationToken cancellationToken);

    /// <summary>Makes the closed file permanent as <c>{batchId}.jsonl</c>; returns its path or reference.</summary>
    ValueTask<string> CommitAsync(int sequence, string batchId, CancellationToken cancellationToken);
}
