using System.IO.MemoryMappedFiles;
using System.Text;

namespace BatchEmbed.Connectors.Vectors;

/// <summary>A memory-mapped snapshot: vectors read in place as spans, keys loaded once.</summary>
internal sealed unsafe class SnapshotReader : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private HashSet<string>? _keySet;

    public SnapshotReader(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* p = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + _view.PointerOffset;
        if (!new ReadOnlySpan<byte>(_base, 4).SequenceEqual("BEVS"u8))
        {
            Dispose();
            throw new InvalidDataException($"{path} is not a vector snapshot.");
        }

        Dimensions = *(int*)(_base + 4);
        Count = *(int*)(_base + 8);
        long keysOffset = *(long*)(_base + 16);
        Keys = new string[Count];
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
        fs.Position = keysOffset;
        using var r = new BinaryReader(fs, Encoding.UTF8);
        for (int i = 0; i < Count; i++)
        {
            Keys[i] = r.ReadString();
        }
    }

    public int Dimensions { get; }

    public int Count { get; }

    public string[] Keys { get; }

    public HashSet<string> KeySet => _keySet ??= new HashSet<string>(Keys, StringComparer.Ordinal);

    public ReadOnlySpan<float> Vector(int i) => new(_base + VectorFiles.SnapshotHeader + ((long)i * Dimensions * sizeof(float)), Dimensions);

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
