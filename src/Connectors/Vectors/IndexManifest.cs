using System.Text.Json;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>The one file that says what an index is: its snapshot and its deltas, in order. Replaced atomically.</summary>
internal sealed record IndexManifest(int Version, int? Dimensions, string? Snapshot, IReadOnlyList<string> Deltas, long NextDelta)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static IndexManifest Empty { get; } = new(0, null, null, [], 1);

    public static IndexManifest Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<IndexManifest>(File.ReadAllText(path), s_json) ?? Empty : Empty;

    public void Save(string path)
    {
        string temp = path + ".tmp";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            JsonSerializer.Serialize(fs, this, s_json);
            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
