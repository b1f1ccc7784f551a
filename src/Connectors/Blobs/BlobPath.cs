namespace BatchEmbed.Connectors.Blobs;

/// <summary>What every blob store accepts as a path: relative, '/'-separated segments, no '..', no control characters.</summary>
internal static class BlobPath
{
    public static void Validate(string path, bool allowEmpty)
    {
        ArgumentNullException.ThrowIfNull(path);
        if ((!allowEmpty && path.Length == 0) || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal)
            || path.Split('/').Any(s => s == ".." || (s.Length == 0 && !allowEmpty)) || path.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0)
        {
            throw new ArgumentException($"Invalid blob path '{path}': use relative '/'-separated segments without '..'.", nameof(path));
        }
    }
}
