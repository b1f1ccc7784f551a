using BatchEmbed.Connectors.Items;
using BatchEmbed.Functions.Orchestrators;
using BatchEmbed.Functions.Pipeline;
using BatchEmbed.Functions.Settings;

namespace BatchEmbed.Functions.Timers;

/// <summary>
/// The <c>PollPending</c> timer trigger: on its NCRONTAB schedule it starts IngestEmbeddings for each collection under
/// a fixed instance id (skipped while that instance is Pending or Running), and in auto mode SubmitEmbeddings too.
/// </summary>
public sealed class PollPendingTimer(
    PollPendingOptions timer,
    PipelineOptions pipeline,
    IItemStore items,
    RunStarter runs,
    TimeProvider time,
    ILogger<PollPendingTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!timer.Enabled)
        {
            return;
        }

        var schedule = NcrontabSchedule.Parse(timer.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTime now = time.GetUtcNow().UtcDateTime;
            DateTime? next = schedule.GetNextOccurrence(now);
            Log.TimerScheduled(logger, timer.Schedule, pipeline.Mode, next);
            if (next is null)
            {
                return;
            }

            try
            {
                await Task.Delay(next.Value - now, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a failed tick must not stop the timer: it is logged and the next tick tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.TimerFailed(logger, ex);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (string collection in await items.CollectionsAsync(ct))
        {
            if (pipeline.Mode == "auto")
            {
                (string id, bool started) = await runs.StartSingletonAsync(nameof(SubmitEmbeddings), RunStarter.SubmitId(collection), runs.SubmitInput(collection), ct);
                if (started)
                {
                    Log.TimerStarted(logger, nameof(SubmitEmbeddings), id);
                }
            }

            (string ingestId, bool ingestStarted) = await runs.StartSingletonAsync(nameof(IngestEmbeddings), RunStarter.IngestId(collection), runs.IngestInput(collection, wait: false), ct);
            if (ingestStarted)
            {
                Log.TimerStarted(logger, nameof(IngestEmbeddings), ingestId);
            }
        }
    }
}
