using System.CommandLine;
using BatchEmbed.Cli.Commands;

namespace BatchEmbed.Cli;

/// <summary>The command tree. Exit codes: 0 done, 1 some input rejected, 2 usage or I/O error, 3 refused by the budget.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int InputRejected = 1;
    public const int UsageError = 2;
    public const int BudgetRefused = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("batchembed: plan, submit and ingest OpenAI batch embeddings, durably.")
        {
            TokensCommand.Create(),
            PlanCommand.Create(),
            SamplesCommand.Create(),
        };

        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await root.Parse(args).InvokeAsync(config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return UsageError;
        }
    }
}
