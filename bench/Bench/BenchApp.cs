using System.Globalization;

namespace BatchEmbed.Bench;

/// <summary>
/// <c>make-text FILE MB</c> · <c>tokenizer FILE</c> · <c>planner LINES</c> · <c>reader LINES DIMS</c>.
/// Each prints one JSON object on its last line so bench/run.sh can compare runs in the same invocation.
/// </summary>
internal static class BenchApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: bench make-text FILE MB | tokenizer FILE | planner LINES | reader LINES DIMS | sidecar FANOUT ORCHESTRATIONS ENTITYOPS AZURE-FANOUT AZURE-ORCHESTRATIONS | sidecar-server inmemory|azurestorage PORT [CONNECTION] | emulator LINES | pipeline LINES DIMS float|base64 [embedded|azure] | pipeline-storage LINES DIMS | table-scaling | labels RECEIPTS LABELS-PER-RECEIPT | migration LINES SOURCE-DIMS TARGET-DIMS");
            return 2;
        }

        switch (args[0])
        {
            case "make-text":
                TokenizerBench.MakeText(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            case "tokenizer":
                TokenizerBench.Run(args[1]);
                return 0;
            case "planner":
                await PlannerBench.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
                return 0;
            case "sidecar":
                await SidecarBench.RunAsync(Int(args[1]), Int(args[2]), Int(args[3]), Int(args[4]), Int(args[5]));
                return 0;
            case "sidecar-at":
                await SidecarBench.AtAsync(Int(args[1]), Int(args[2]), Int(args[3]), Int(args[4]));
                return 0;
            case "sidecar-server":
                await SidecarServers.RunAsync(args[1], Int(args[2]), args.Length > 3 ? args[3] : null);
                return 0;
            case "emulator":
                await EmulatorBench.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
                return 0;
            case "pipeline":
                await PipelineBench.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args.Length > 4 ? args[4] : "embedded");
                return 0;
            case "pipeline-storage":
                await PipelineBench.CompareStorageAsync(Int(args[1]), Int(args[2]));
                return 0;
            case "labels":
                await LabelsBench.RunAsync(Int(args[1]), Int(args[2]));
                return 0;
            case "migration":
                await MigrationBench.RunAsync(Int(args[1]), Int(args[2]), Int(args[3]));
                return 0;
            case "table-scaling":
                await TableProbe.RunAsync();
                return 0;
            case "reader":
                await ReaderBench.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
                return 0;
            default:
                Console.Error.WriteLine($"unknown benchmark '{args[0]}'");
                return 2;
        }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    public static string Json(params (string Key, object Value)[] fields) =>
        "{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":" + (f.Value switch
        {
            string s => $"\"{s}\"",
            bool b => b ? "true" : "false",
            IReadOnlyDictionary<string, double> d => "{" + string.Join(",", d.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString(CultureInfo.InvariantCulture)}")) + "}",
            _ => Convert.ToString(f.Value, CultureInfo.InvariantCulture),
        }))) + "}";
}
