using System.Text.Json.Nodes;

namespace BatchEmbed.Functions.Tests;

/// <summary>The Functions app's build output (src/Functions/bin/{configuration}/{tfm}/), where the Worker SDK writes its metadata.</summary>
internal static class FunctionsBuild
{
    public static string Output { get; } = Find();

    public static JsonArray Metadata() => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")))!.AsArray();

    public static JsonObject Extensions() => JsonNode.Parse(File.ReadAllText(Path.Combine(Output, "extensions.json")))!.AsObject();

    private static string Find()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = here.Name, configuration = here.Parent!.Name;
        for (DirectoryInfo? dir = here; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BatchEmbed.slnx")))
            {
                return Path.Combine(dir.FullName, "src", "Functions", "bin", configuration, tfm);
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (BatchEmbed.slnx) above " + AppContext.BaseDirectory);
    }
}
