using BatchEmbed.Connectors.Vectors;

namespace BatchEmbed.Connectors.Tests.Vectors;

/// <summary>The vector index contract with its files in a local directory (the embedded default).</summary>
public sealed class LocalVectorStoreTests : VectorStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vectors-").FullName;
    private string _root = string.Empty;

    protected override EmbeddedVectorStore CreateStore(TimeSpan? orphanGrace = null)
    {
        _root = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        return orphanGrace is { } grace ? new EmbeddedVectorStore(_root, grace) : new EmbeddedVectorStore(_root);
    }

    protected override EmbeddedVectorStore CreateSameStore() => new(_root);

    protected override Task<IReadOnlyList<string>> FilesAsync(string index) =>
        Task.FromResult<IReadOnlyList<string>>([.. Directory.GetFiles(Path.Combine(_root, index)).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)]);

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
