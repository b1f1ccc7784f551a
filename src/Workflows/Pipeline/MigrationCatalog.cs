using System.Collections.Concurrent;
using System.Text.Json;
using BatchEmbed.Connectors.Blobs;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// The migrations' definitions in the blob store (<c>migrations/{name}.json</c>). A definition never changes once
/// written, so each process keeps the ones it has read.
/// </summary>
public sealed class MigrationCatalog(IBlobStore blobs)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, MigrationDefinition> _known = new(StringComparer.Ordinal);

    public async Task<MigrationDefinition?> GetAsync(string name, CancellationToken ct)
    {
        if (_known.TryGetValue(name, out MigrationDefinition? known))
        {
            return known;
        }

        string path = BlobPaths.Migration(name);
        if (!await blobs.ExistsAsync(path, ct))
        {
            return null;
        }

        await using Stream s = await blobs.OpenReadAsync(path, ct);
        MigrationDefinition definition = await JsonSerializer.DeserializeAsync<MigrationDefinition>(s, s_json, ct)
            ?? throw new InvalidDataException($"The definition of migration '{name}' ({path}) is empty.");
        return _known.GetOrAdd(name, definition);
    }

    /// <summary>Writes a new migration's definition; an existing one is kept and returned (a retried start writes nothing).</summary>
    public async Task<MigrationDefinition> CreateAsync(MigrationDefinition definition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (await GetAsync(definition.Name, ct) is { } existing)
        {
            return existing;
        }

        await blobs.WriteAsync(BlobPaths.Migration(definition.Name), s => JsonSerializer.SerializeAsync(s, definition, s_json), ct);
        return _known.GetOrAdd(definition.Name, definition);
    }

    public async IAsyncEnumerable<MigrationDefinition> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (BlobInfo blob in blobs.ListAsync(BlobPaths.Migrations, ct))
        {
            string name = Path.GetFileNameWithoutExtension(blob.Path);
            if (blob.Path.EndsWith(".json", StringComparison.Ordinal) && await GetAsync(name, ct) is { } definition)
            {
                yield return definition;
            }
        }
    }
}
