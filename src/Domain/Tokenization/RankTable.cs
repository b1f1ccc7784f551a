using System.Buffers.Binary;
using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// The BPE vocabulary: token bytes to rank and back. One open-addressing table over byte slices, so look-ups take a
/// span and allocate nothing.
/// </summary>
internal sealed class RankTable
{
    public const int NoRank = int.MaxValue;

    private readonly byte[] _blob;
    private readonly int[] _offsets;
    private readonly int[] _lengths;
    private readonly int[] _slots;
    private readonly int _mask;

    private RankTable(byte[] blob, int[] offsets, int[] lengths, int count)
    {
        _blob = blob;
        _offsets = offsets;
        _lengths = lengths;
        Count = count;
        int capacity = 1 << (int)Math.Ceiling(Math.Log2(Math.Max(16, count * 2)));
        _slots = new int[capacity];
        _mask = capacity - 1;
        for (int rank = 0; rank < offsets.Length; rank++)
        {
            if (lengths[rank] < 0)
            {
                continue;
            }

            int slot = (int)Hash(GetBytes(rank)) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = rank + 1;
        }
    }

    public int Count { get; }

    public ReadOnlySpan<byte> GetBytes(int rank) => _blob.AsSpan(_offsets[rank], _lengths[rank]);

    public bool IsValidRank(int rank) => rank >= 0 && rank < _offsets.Length && _lengths[rank] >= 0;

    public int RankOf(ReadOnlySpan<byte> bytes)
    {
        int slot = (int)Hash(bytes) & _mask;
        while (true)
        {
            int entry = _slots[slot];
            if (entry == 0)
            {
                return NoRank;
            }

            int rank = entry - 1;
            if (_lengths[rank] == bytes.Length && bytes.SequenceEqual(_blob.AsSpan(_offsets[rank], bytes.Length)))
            {
                return rank;
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Loads a gzip-compressed <c>.tiktoken</c> file embedded in this assembly.</summary>
    public static RankTable LoadEmbedded(string encodingName)
    {
        string resource = $"BatchEmbed.Domain.Ranks.{encodingName}.tiktoken.gz";
        using Stream raw = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The rank file for '{encodingName}' is not embedded ({resource}).");
        using var gz = new GZipStream(raw, CompressionMode.Decompress);
        using var reader = new StreamReader(gz, Encoding.ASCII);
        return Parse(reader, encodingName);
    }

    /// <summary>Parses <c>base64(token bytes) rank</c> lines.</summary>
    public static RankTable Parse(TextReader reader, string sourceName)
    {
        var entries = new List<(byte[] Bytes, int Rank)>(200_000);
        int maxRank = -1;
        long totalBytes = 0;
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || !int.TryParse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture, out int rank) || rank < 0)
            {
                throw new FormatException($"{sourceName}:{lineNumber}: expected 'base64 rank'.");
            }

            byte[] bytes = Convert.FromBase64String(line[..space]);
            entries.Add((bytes, rank));
            maxRank = Math.Max(maxRank, rank);
            totalBytes += bytes.Length;
        }

        var blob = new byte[totalBytes];
        var offsets = new int[maxRank + 1];
        var lengths = new int[maxRank + 1];
        Array.Fill(lengths, -1);
        int at = 0;
        foreach ((byte[] bytes, int rank) in entries)
        {
            if (lengths[rank] >= 0)
            {
                throw new FormatException($"{sourceName}: rank {rank} appears twice.");
            }

            bytes.CopyTo(blob, at);
            offsets[rank] = at;
            lengths[rank] = bytes.Length;
            at += bytes.Length;
        }

        return new RankTable(blob, offsets, lengths, entries.Count);
    }

    private static ulong Hash(ReadOnlySpan<byte> b)
    {
        const ulong K = 0x9E3779B97F4A7C15;
        ulong h = 0xCBF29CE484222325 ^ ((ulong)b.Length * K);
        int i = 0;
        for (; i + 8 <= b.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(b[i..])) * K;
            h ^= h >> 29;
        }

        ulong tail = 0;
        for (int shift = 0; i < b.Length; i++, shift += 8)
        {
            tail |= (ulong)b[i] << shift;
        }

        h = (h ^ tail) * K;
        return h ^ (h >> 32);
    }
}
