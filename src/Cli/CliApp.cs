using System.CommandLine;
using BatchEmbed.Cli.Commands;
using BatchEmbed.Cli.Remote;

namespace BatchEmbed.Cli;

/// <summary>
/// The command tree. Exit codes: 0 done, 1 some input rejected, 2 usage or I/O error, 3 refused by the budget, 130
/// stopped by Ctrl+C or SIGTERM (work already accepted by the host goes on there).
/// </summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int InputRejected = 1;
    public const int UsageError = 2;
    public const int BudgetRefused = 3;
    public const int Stopped = 130;

    /// <summary>How long a command has to stop cleanly (an in-process host shuts down) after Ctrl+C or SIGTERM.</summary>
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var remote = new RemoteOptions();
        var root = new RootCommand("batchembed: plan, submit and ingest OpenAI batch embeddings, durably.")
        {
            TokensCommand.Create(),
            PlanCommand.Create(),
            SamplesCommand.Create(),
            RunCommand.Create(),
            ImportCommand.Create(remote),
            SubmitCommand.Create(remote),
            IngestCommand.Create(remote),
            EnrichCommand.Create(remote),
            StatusCommand.Create(remote),
            BatchesCommand.Create(remote),
            CancelCommand.Create(remote),
            ResetCommand.Create(remote),
            SearchCommand.Create(remote),
            LabelsCommand.Create(remote),
            ValidateCommand.Create(remote),
            MigrateCommand.Create(remote),
        };

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = s_stopTimeout };
        try
        {
            return await root.Parse(args).InvokeAsync(config);
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("stopped (Ctrl+C or SIGTERM); what the host already accepted goes on there");
            return Stopped;
        }
        catch (ApiException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return UsageError;
        }
        catch (InvalidOperationException ex) when (ex.Source is "BatchEmbed.Host" or "BatchEmbed.Workflows")
        {
            await error.WriteLineAsync("error: " + ex.Message); // bad settings for the in-process host
            return UsageError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return UsageError;
        }
    }
}
