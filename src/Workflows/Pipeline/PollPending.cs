using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// What the <c>PollPending</c> timer does each time it fires (under either host): for each collection to embed it
/// starts IngestEmbeddings under its fixed instance id, and in auto mode SubmitEmbeddings too; when there are labels
/// it starts IngestCompletions (<c>validate-ingest</c>), and in auto mode SubmitCompletions (<c>validate-submit</c>).
/// Each is skipped while that instance is Pending or Running.
/// </summary>
public sealed class PollPending(PipelineOptions pipeline, CompletionOptions completions, IItemStore items, RunStarter runs)
{
    /// <summary>Returns the orchestrations it started (name, instance id).</summary>
    public async Task<IReadOnlyList<(string Name, string InstanceId)>> RunOnceAsync(CancellationToken ct)
    {
        var started = new List<(string, string)>();
        async Task StartAsync(bool when, string name, string instanceId, object input)
        {
            if (when && (await runs.StartSingletonAsync(name, instanceId, input, ct)).Started)
            {
                started.Add((name, instanceId));
            }
        }

        bool auto = pipeline.Mode == "auto";
        IReadOnlyList<string> collections = await items.CollectionsAsync(ct);
        foreach (string collection in collections.Where(runs.Embeds))
        {
            await StartAsync(auto, nameof(SubmitEmbeddings), RunStarter.SubmitId(collection), runs.SubmitInput(collection));
            await StartAsync(true, nameof(IngestEmbeddings), RunStarter.IngestId(collection), runs.IngestInput(collection, wait: false));
        }

        bool labels = collections.Contains(completions.LabelsCollection, StringComparer.Ordinal);
        await StartAsync(labels && auto, nameof(SubmitCompletions), RunStarter.ValidateSubmitId, runs.ValidateSubmitInput());
        await StartAsync(labels, nameof(IngestCompletions), RunStarter.ValidateIngestId, runs.ValidateIngestInput(wait: false));
        return started;
    }
}
