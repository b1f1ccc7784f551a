using System.Text.Json.Nodes;

namespace BatchEmbed.Functions.Tests;

/// <summary>The Functions app's build output (src/Functions/bin/{configuration}/{tfm}/), where the Worker SDK writes its metadata.</summary>
internal static class FunctionsBuild
{
    /// <summary>The repository root (where BatchEmbed.slnx is).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The app's output for this test build's configuration and framework (the last two folders of its own output).</summary>
    public static string Output { get; } = OutputOf(new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)));

    public static JsonArray Metadata() => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")))!.AsArray();

    public static JsonObject Extensions() => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "extensions.json")))!.AsObject();

    private static string OutputOf(DirectoryInfo tests) => Path.Combine(Root, "src", "Functions", "bin", tests.Parent!.Name, tests.Name);

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
