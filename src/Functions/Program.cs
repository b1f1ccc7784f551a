using BatchEmbed.Functions.Hosting;

// The local host, like `func start`: reads host.json and local.settings.json from the current directory (or --root).
string? root = null;
for (int i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--root")
    {
        root = Path.GetFullPath(args[i + 1]);
    }
}

FunctionsHost host;
try
{
    host = await FunctionsHost.StartAsync(args, root);
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync("error: " + ex.Message);
    return 2;
}

if (host.Keys.Generated)
{
    // First start: show the generated keys once, on the console only (they are never logged).
    Console.WriteLine($"Function key (x-functions-key or ?code=): {host.Keys.FunctionKey}");
    Console.WriteLine($"Admin key (/runtime, /monitor):           {host.Keys.AdminKey}");
}

await using (host)
{
    await host.App.WaitForShutdownAsync();
}

return 0;
