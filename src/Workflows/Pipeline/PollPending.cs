using BatchEmbed.Connectors.Items;
using BatchEmbed.Workflows.Orchestrators;
using BatchEmbed.Workflows.Settings;

namespace BatchEmbed.Workflows.Pipeline;

/// <summary>
/// What the <c>PollPending</c> timer does each time it fires (under either host): for each collection it starts
/// IngestEmbeddings under its fixed instance id, and in auto mode SubmitEmbeddings too, each skipped while that
/// instance is Pending or Running.
/// </summary>
public sealed class PollPending(PipelineOptions pipeline, IItemStore items, RunStarter runs)
{
    /// <summary>Returns the orchestrations it started (name, instance id).</summary>
    public async Task<IReadOnlyList<(string Name, string InstanceId)>> RunOnceAsync(CancellationToken ct)
    {
        var started = new List<(string, string)>();
        foreach (string collection in await items.CollectionsAsync(ct))
        {
            if (pipeline.Mode == "auto")
            {
                (string id, bool submit) = await runs.StartSingletonAsync(nameof(SubmitEmbeddings), RunStarter.SubmitId(collection), runs.SubmitInput(collection), ct);
                if (submit)
                {
                    started.Add((nameof(SubmitEmbeddings), id));
                }
            }

            (string ingestId, bool ingest) = await runs.StartSingletonAsync(nameof(IngestEmbeddings), RunStarter.IngestId(collection), runs.IngestInput(collection, wait: false), ct);
            if (ingest)
            {
                started.Add((nameof(IngestEmbeddings), ingestId));
            }
        }

        return started;
    }
}
