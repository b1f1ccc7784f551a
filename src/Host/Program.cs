using BatchEmbed.Hosting;

// The local host, like `func start`: reads host.json and local.settings.json from the current directory (or --root).
string? root = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--root")
    {
        root = Path.GetFullPath(args[i + 1]);
    }
}

HostApp host;
try
{
    host = await HostApp.StartAsync(args, root);
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}

// First start: show the keys this start generated once, on the console only (they are never logged); configured keys
// are the operator's own and are never printed.
if (host.Keys.FunctionKeyGenerated)
{
    Console.WriteLine($"Function key (x-functions-key or ?code=): {host.Keys.FunctionKey}");
}

if (host.Keys.AdminKeyGenerated)
{
    Console.WriteLine($"Admin key (/runtime, /monitor):           {host.Keys.AdminKey}");
}

await using (host)
{
    await host.App.WaitForShutdownAsync();
}

return 0;
