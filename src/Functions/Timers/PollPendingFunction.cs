using BatchEmbed.Workflows.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BatchEmbed.Functions.Timers;

/// <summary>
/// The PollPending timer on its NCRONTAB schedule (app setting <c>PollPending__Schedule</c>; switch it off with
/// <c>AzureWebJobs.PollPending.Disabled</c>): runs <see cref="PollPending"/> with the bound Durable client.
/// </summary>
public static class PollPendingFunction
{
    [Function(nameof(PollPending))]
    public static async Task RunAsync([TimerTrigger("%PollPending__Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ILogger logger = context.GetLogger(nameof(PollPending));
        foreach ((string name, string id) in await new ClientBoundServices(context.InstanceServices, client).Get<PollPending>().RunOnceAsync(context.CancellationToken))
        {
            Log.TimerStarted(logger, name, id);
        }
    }
}
