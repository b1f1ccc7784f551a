namespace BatchEmbed.Cli.Commands;

/// <summary>Opens an input file, or standard input for "-", with a clear error for a missing file.</summary>
internal static class InputFiles
{
    public static Stream Open(string path)
    {
        if (path == "-")
        {
            return Console.OpenStandardInput();
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file '{path}' does not exist.", path);
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    public static string DisplayName(string path) => path == "-" ? "<stdin>" : Path.GetFileName(path);
}
