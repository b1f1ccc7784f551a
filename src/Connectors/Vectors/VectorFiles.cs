using System.Runtime.InteropServices;
using System.Text;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>
/// Binary formats. A delta: "BEVD", dims, count, then records (op byte 1 = upsert, 2 = tombstone; key; vector for
/// upserts). A snapshot: "BEVS", dims, count, keys offset, then all vectors contiguously (so a scan is one sequential
/// pass over mapped memory), then the keys.
/// </summary>
internal static class VectorFiles
{
    public const int SnapshotHeader = 32;

    public static void WriteDelta(string path, int dims, IReadOnlyList<VectorRecord> upserts, IReadOnlyList<string> tombstones)
    {
        string temp = path + ".tmp";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var w = new BinaryWriter(fs, Encoding.UTF8))
        {
            w.Write("BEVD"u8);
            w.Write(dims);
            w.Write(upserts.Count + tombstones.Count);
            foreach (VectorRecord r in upserts)
            {
                w.Write((byte)1);
                w.Write(r.Key);
                w.Write(MemoryMarshal.AsBytes(r.Vector.AsSpan()));
            }

            foreach (string key in tombstones)
            {
                w.Write((byte)2);
                w.Write(key);
            }

            w.Flush();
            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The deltas of <paramref name="directory"/>, applied in order: the newest record of each key wins.</summary>
    public static Dictionary<string, float[]?> Overlay(string directory, IEnumerable<string> deltas, int dims)
    {
        var overlay = new Dictionary<string, float[]?>(StringComparer.Ordinal);
        foreach (string delta in deltas)
        {
            ReadDelta(Path.Combine(directory, delta), dims, overlay);
        }

        return overlay;
    }

    /// <summary>Applies a delta's records, in order, to an overlay (null value = tombstone).</summary>
    public static void ReadDelta(string path, int dims, Dictionary<string, float[]?> overlay)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        // A delta of tombstones only, written before the index had vectors, has no dimensions.
        if (!r.ReadBytes(4).AsSpan().SequenceEqual("BEVD"u8) || r.ReadInt32() is var d && d != dims && d != 0)
        {
            throw new InvalidDataException($"{path} is not a delta of this index.");
        }

        int count = r.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            byte op = r.ReadByte();
            string key = r.ReadString();
            if (op == 1)
            {
                var v = new float[dims];
                r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(v.AsSpan()));
                overlay[key] = v;
            }
            else
            {
                overlay[key] = null;
            }
        }
    }
}
