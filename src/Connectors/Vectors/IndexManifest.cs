using System.Text.Json;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>The one file that says what an index is: its snapshot and its deltas, in order. Replaced atomically.</summary>
internal sealed record IndexManifest(int Version, int? Dimensions, string? Snapshot, IReadOnlyList<string> Deltas, long NextDelta)
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static IndexManifest Empty { get; } = new(0, null, null, [], 1);

    public static IndexManifest Parse(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<IndexManifest>(json, s_json) ?? Empty;

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, s_json);

    /// <summary>The files this manifest needs (a new set each call: take it once).</summary>
    public IReadOnlySet<string> Live => new HashSet<string>(Snapshot is null ? Deltas : [.. Deltas, Snapshot], StringComparer.Ordinal);
}
