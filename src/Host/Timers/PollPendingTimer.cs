using BatchEmbed.Hosting.Settings;
using BatchEmbed.Workflows.Pipeline;
using BatchEmbed.Workflows.Settings;
using NCrontab;

namespace BatchEmbed.Hosting.Timers;

/// <summary>
/// The <c>PollPending</c> timer trigger of the standalone host: on its NCRONTAB schedule (parsed by NCrontab, six
/// fields, UTC, as the Functions timer trigger reads it) it runs <see cref="PollPending"/>.
/// </summary>
public sealed class PollPendingTimer(
    PollPendingOptions timer,
    PipelineOptions pipeline,
    PollPending poll,
    TimeProvider time,
    ILogger<PollPendingTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!timer.Enabled)
        {
            return;
        }

        CrontabSchedule schedule = PollPendingOptions.ParseSchedule(timer.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTime now = time.GetUtcNow().UtcDateTime;
            DateTime next = schedule.GetNextOccurrence(now);
            Log.TimerScheduled(logger, timer.Schedule, pipeline.Mode, next);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
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
        foreach ((string name, string id) in await poll.RunOnceAsync(ct))
        {
            Log.TimerStarted(logger, name, id);
        }
    }
}
