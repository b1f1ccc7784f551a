using BatchEmbed.Durable.SidecarWorker;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: BatchEmbed.Durable.SidecarWorker <backend address> <side-effects file> <work ms> <max activities>
if (args.Length != 4 || !int.TryParse(args[2], out int workMs) || !int.TryParse(args[3], out int maxActivities))
{
    Console.Error.WriteLine("usage: BatchEmbed.Durable.SidecarWorker <backend address> <side-effects file> <work ms> <max concurrent activities>");
    return 2;
}

IHost host = Host.CreateDefaultBuilder()
    .ConfigureLogging(l => l.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error))
    .ConfigureServices(s => s.AddDurableTaskWorker(b =>
    {
        b.AddTasks(r => CrashWorkload.Register(r, args[1], workMs));
        b.UseGrpc(args[0]);
        b.Configure(o =>
        {
            o.EnableEntitySupport = true;
            o.Concurrency.MaximumConcurrentActivityWorkItems = maxActivities;
        });
    }))
    .Build();
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();
return 0;
