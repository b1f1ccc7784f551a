namespace BatchEmbed.EndToEnd.Tests;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "BatchEmbed.Cli.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchEmbed.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (BatchEmbed.slnx) above " + AppContext.BaseDirectory);
    }
}
