using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Functions.Tests;

/// <summary>
/// infra/bicep compiled and linted by the Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored
/// with this project), and checked against what the Functions app reads at start.
/// </summary>
public sealed partial class InfraTests
{
    private static readonly string s_infra = Path.Combine(FunctionsBuild.Root, "infra", "bicep");

    /// <summary>Settings the Functions app cannot start without (FunctionsServices, the PollPending timer's binding, the host's storage).</summary>
    private static readonly string[] s_required = ["OpenAI__Endpoint", "OpenAI__ApiKey", "PollPending__Schedule", "AzureWebJobsStorage__accountName"];

    [Fact(Timeout = 300_000)]
    public async Task The_bicep_builds_and_lints_with_no_warning()
    {
        foreach (string[] args in new[] { ["build", "main.bicep", "--stdout"], ["build-params", "main.bicepparam", "--stdout"], new[] { "lint", "main.bicep" } })
        {
            (int code, string output, string errors) = await BicepAsync(args);
            Assert.True(code == 0, $"bicep {string.Join(' ', args)} exited {code}: {errors}");
            Assert.True(errors.Trim().Length == 0, $"bicep {string.Join(' ', args)} reported: {errors}");
            Assert.True(args[0] == "lint" ? output.Trim().Length == 0 : output.Length > 1000, output);
        }

        foreach (string module in Directory.GetFiles(Path.Combine(s_infra, "modules"), "*.bicep"))
        {
            (int code, _, string errors) = await BicepAsync(["lint", Path.Combine("modules", Path.GetFileName(module))]);
            Assert.True(code == 0 && errors.Trim().Length == 0, $"{module}: {errors}");
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Every_setting_the_app_reads_at_start_is_set_by_the_bicep_or_documented_as_optional()
    {
        Dictionary<string, string> bicep = await AppSettingsAsync();
        string readme = await File.ReadAllTextAsync(Path.Combine(FunctionsBuild.Root, "README.md"));
        var optional = SettingRows().Matches(readme).Select(m => m.Groups["names"].Value).ToList();

        foreach (string setting in s_required)
        {
            Assert.True(bicep.ContainsKey(setting), $"{setting} is required at start and the Bicep does not set it");
        }

        var read = SettingsRead().ToList();
        var missing = read.Where(s => !bicep.ContainsKey(s) && !optional.Any(row => row.Contains($"`{s}", StringComparison.Ordinal))).ToList();
        Assert.True(missing.Count == 0, "read at start, but neither set by the Bicep nor in the README's settings table with a default: " + string.Join(", ", missing));

        // And the Bicep sets nothing the app or the Functions host would not read (a misspelt name is silently ignored).
        var unknown = bicep.Keys.Where(k => !read.Contains(k) && !s_required.Contains(k) && !k.StartsWith("AzureWebJobsStorage__", StringComparison.Ordinal) && !k.StartsWith("APPLICATIONINSIGHTS_", StringComparison.Ordinal)).ToList();
        Assert.True(unknown.Count == 0, "the Bicep sets settings nothing reads: " + string.Join(", ", unknown));
    }

    [Fact(Timeout = 300_000)]
    public async Task No_key_is_in_an_app_setting_the_storage_account_refuses_keys_and_the_OpenAI_key_is_a_key_vault_reference()
    {
        Dictionary<string, string> settings = await AppSettingsAsync();
        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})'", settings["OpenAI__ApiKey"], StringComparison.Ordinal);
        Assert.DoesNotContain(settings, kv => kv.Key.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) && kv.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.DoesNotContain(settings, kv => kv.Value.Contains("listKeys", StringComparison.OrdinalIgnoreCase) || kv.Value.Contains("AccountKey", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);

        JsonObject template = await TemplateAsync();
        JsonObject account = Resources(template).Single(r => (string)r["type"]! == "Microsoft.Storage/storageAccounts");
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        JsonObject site = Resources(template).Single(r => (string)r["type"]! == "Microsoft.Web/sites");
        Assert.Equal("dotnet-isolated", (string)site["properties"]!["functionAppConfig"]!["runtime"]!["name"]!);
        Assert.Equal("UserAssignedIdentity", (string)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!);
        JsonObject plan = Resources(template).Single(r => (string)r["type"]! == "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", (string)plan["sku"]!["tier"]!);
        Assert.Contains("functionAppUrl", template["outputs"]!.AsObject().Select(o => o.Key));
    }

    /// <summary>The settings the app binds at start: every settable property of its options classes, and the timer's schedule.</summary>
    private static IEnumerable<string> SettingsRead()
    {
        foreach ((Type type, string section) in new[] { (typeof(PipelineOptions), PipelineOptions.Section), (typeof(CompletionOptions), CompletionOptions.Section), (typeof(ProviderOptions), ProviderOptions.Section), (typeof(StorageOptions), StorageOptions.Section) })
        {
            foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                yield return p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>)
                    ? $"{section}__{p.Name}__"
                    : $"{section}__{p.Name}";
            }
        }

        foreach (JsonNode? function in FunctionsBuild.Metadata())
        {
            foreach (JsonNode? binding in function!["bindings"]!.AsArray())
            {
                if (binding!["schedule"] is JsonValue schedule && Regex.Match((string)schedule!, "^%(.+)%$") is { Success: true } m)
                {
                    yield return m.Groups[1].Value;
                }
            }
        }
    }

    private static async Task<Dictionary<string, string>> AppSettingsAsync()
    {
        JsonObject site = Resources(await TemplateAsync()).Single(r => (string)r["type"]! == "Microsoft.Web/sites");
        return site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());
    }

    private static async Task<JsonObject> TemplateAsync()
    {
        (int code, string output, string errors) = await BicepAsync(["build", "main.bicep", "--stdout"]);
        Assert.True(code == 0, errors);
        return JsonNode.Parse(output)!.AsObject();
    }

    /// <summary>Every resource of the template and of the modules' nested templates.</summary>
    private static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        JsonNode? resources = template["resources"];
        IEnumerable<JsonNode?> all = resources is JsonArray a ? a : resources?.AsObject().Select(kv => kv.Value) ?? [];
        foreach (JsonObject r in all.OfType<JsonObject>())
        {
            yield return r;
            if (r["properties"]?["template"] is JsonObject nested)
            {
                foreach (JsonObject inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static async Task<(int Code, string Output, string Errors)> BicepAsync(string[] args)
    {
        string bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!.Replace('\\', '/');
        Assert.True(File.Exists(bicep), $"The Bicep CLI is not at {bicep}: restore tests/Functions.Tests (the README's test command does).");
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(bicep).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var psi = new ProcessStartInfo(bicep) { WorkingDirectory = s_infra, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ToList().ForEach(psi.ArgumentList.Add);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process p = Process.Start(psi)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync(), errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await output, await errors);
    }

    /// <summary>A row of the README's settings table whose default (second column) is filled in: its names, in backticks.</summary>
    [GeneratedRegex(@"^\| (?<names>`[^|]+) \| (?!\s*\|)[^|]*\S[^|]*\|", RegexOptions.Multiline)]
    private static partial Regex SettingRows();
}
