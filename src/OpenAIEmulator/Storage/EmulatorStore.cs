using System.Security.Cryptography;
using System.Text.Json;

namespace BatchEmbed.OpenAIEmulator.Storage;

/// <summary>
/// Files and batches in a directory: <c>files/{id}.jsonl</c> with <c>files/{id}.json</c> metadata, and
/// <c>batches/{id}.json</c>. Metadata is written atomically (temp file and rename), so a restart sees a whole state.
/// </summary>
internal sealed class EmulatorStore
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly string _files;
    private readonly string _batches;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, EmulatedFile> _fileIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatedBatch> _batchIndex = new(StringComparer.Ordinal);

    public EmulatorStore(string directory)
    {
        _files = Path.Combine(directory, "files");
        _batches = Path.Combine(directory, "batches");
        Directory.CreateDirectory(_files);
        Directory.CreateDirectory(_batches);
        foreach (string meta in Directory.EnumerateFiles(_files, "*.json"))
        {
            EmulatedFile? f = JsonSerializer.Deserialize<EmulatedFile>(File.ReadAllText(meta), s_json);
            if (f is not null && File.Exists(ContentPath(f.Id)))
            {
                _fileIndex[f.Id] = f;
            }
        }

        foreach (string meta in Directory.EnumerateFiles(_batches, "*.json"))
        {
            EmulatedBatch? b = JsonSerializer.Deserialize<EmulatedBatch>(File.ReadAllText(meta), s_json);
            if (b is null)
            {
                continue;
            }

            TruncatePartial(PartialPath(b.Id, "output"), b.OutputPartialBytes);
            TruncatePartial(PartialPath(b.Id, "errors"), b.ErrorPartialBytes);
            _batchIndex[b.Id] = b;
        }
    }

    public static string NewId(string prefix)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return prefix + RandomNumberGenerator.GetString(Alphabet, 24);
    }

    public string ContentPath(string fileId) => Path.Combine(_files, fileId + ".jsonl");

    public string PartialPath(string batchId, string kind) => Path.Combine(_batches, $"{batchId}.{kind}.partial.jsonl");

    public EmulatedFile AddFile(string tempContentPath, string filename, string purpose, long createdAt, long? expiresAt)
    {
        string id = NewId("file-");
        File.Move(tempContentPath, ContentPath(id));
        var f = new EmulatedFile(id, new FileInfo(ContentPath(id)).Length, createdAt, filename, purpose, expiresAt);
        WriteAtomic(Path.Combine(_files, id + ".json"), JsonSerializer.Serialize(f, s_json));
        lock (_lock)
        {
            _fileIndex[id] = f;
        }

        return f;
    }

    public string NewTempPath() => Path.Combine(_files, $".upload-{Guid.NewGuid():N}.tmp");

    public EmulatedFile? GetFile(string id)
    {
        lock (_lock)
        {
            return _fileIndex.GetValueOrDefault(id);
        }
    }

    public List<EmulatedFile> Files()
    {
        lock (_lock)
        {
            return [.. _fileIndex.Values.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id, StringComparer.Ordinal)];
        }
    }

    public bool DeleteFile(string id)
    {
        lock (_lock)
        {
            if (!_fileIndex.Remove(id))
            {
                return false;
            }
        }

        File.Delete(Path.Combine(_files, id + ".json"));
        File.Delete(ContentPath(id));
        return true;
    }

    /// <summary>The most tokens ever enqueued at once (batches past validation and not yet terminal), since start.</summary>
    public long PeakEnqueuedTokens { get; private set; }

    /// <summary>
    /// Counts the batch's tokens as enqueued if they fit beside those already enqueued (the caller saves it); false,
    /// with nothing changed, when they would exceed <paramref name="limit"/>. Atomic, so concurrent creates cannot both
    /// take the last room.
    /// </summary>
    public bool TryEnqueue(EmulatedBatch b, long tokens, long? limit, out long wouldBe)
    {
        lock (_lock)
        {
            long enqueued = _batchIndex.Values.Where(x => x.Id != b.Id && !x.IsTerminal).Sum(x => x.EnqueuedTokens);
            wouldBe = enqueued + tokens;
            if (limit is { } l && wouldBe > l)
            {
                return false;
            }

            b.EnqueuedTokens = tokens;
            _batchIndex[b.Id] = b;
            PeakEnqueuedTokens = Math.Max(PeakEnqueuedTokens, wouldBe);
        }

        return true;
    }

    public void SaveBatch(EmulatedBatch b)
    {
        string json;
        lock (_lock)
        {
            _batchIndex[b.Id] = b;
            json = JsonSerializer.Serialize(b, s_json);
        }

        WriteAtomic(Path.Combine(_batches, b.Id + ".json"), json);
    }

    public EmulatedBatch? GetBatch(string id)
    {
        lock (_lock)
        {
            return _batchIndex.GetValueOrDefault(id);
        }
    }

    /// <summary>Newest first, as the Batch API lists them.</summary>
    public List<EmulatedBatch> Batches()
    {
        lock (_lock)
        {
            return [.. _batchIndex.Values.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal)];
        }
    }

    private static void WriteAtomic(string path, string content)
    {
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }

    private static void TruncatePartial(string path, long length)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
        if (fs.Length > length)
        {
            fs.SetLength(length);
        }
    }
}
