using System.Threading.Channels;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Dispatch;

/// <summary>
/// One connected worker: its GetWorkItems stream, the limits it announced (0 means no limit, as the JavaScript SDK
/// sends), its capabilities and filters, and the work items it holds. Counts change under the dispatcher's lock.
/// </summary>
internal sealed class WorkerStream
{
    private readonly Dictionary<string, HashSet<string>>? _orchestrations;
    private readonly Dictionary<string, HashSet<string>>? _activities;
    private readonly HashSet<string>? _entities;

    public WorkerStream(long id, P.GetWorkItemsRequest request)
    {
        Id = id;
        MaxOrchestrations = Limit(request.MaxConcurrentOrchestrationWorkItems);
        MaxActivities = Limit(request.MaxConcurrentActivityWorkItems);
        MaxEntities = Limit(request.MaxConcurrentEntityWorkItems);
        HistoryStreaming = request.Capabilities.Contains(P.WorkerCapability.HistoryStreaming);
        if (request.WorkItemFilters is { } f && (f.Orchestrations.Count > 0 || f.Activities.Count > 0 || f.Entities.Count > 0))
        {
            _orchestrations = Versions(f.Orchestrations.Select(o => (o.Name, (IEnumerable<string>)o.Versions)));
            _activities = Versions(f.Activities.Select(a => (a.Name, (IEnumerable<string>)a.Versions)));
            _entities = f.Entities.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
    }

    public long Id { get; }

    public int MaxOrchestrations { get; }

    public int MaxActivities { get; }

    public int MaxEntities { get; }

    public bool HistoryStreaming { get; }

    public int Orchestrations { get; set; }

    public int Activities { get; set; }

    public int Entities { get; set; }

    public bool Closed { get; set; }

    public Channel<P.WorkItem> Outbox { get; } = Channel.CreateUnbounded<P.WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Whether this worker's filters (if any) take an orchestration of this name and version.</summary>
    public bool TakesOrchestration(string name, string? version) => Takes(_orchestrations, name, version);

    public bool TakesActivity(string name, string? version) => Takes(_activities, name, version);

    /// <summary>Entity filters name the entity (the part of <c>@name@key</c> between the @s).</summary>
    public bool TakesEntity(string entityId) => _entities is null || _entities.Contains(EntityName(entityId));

    /// <summary>The open stream with the most room for one more item of a kind that it takes, or null.</summary>
    public static WorkerStream? Roomiest(IEnumerable<WorkerStream> streams, Func<WorkerStream, bool> takes, Func<WorkerStream, int> held, Func<WorkerStream, int> max)
    {
        WorkerStream? best = null;
        foreach (WorkerStream s in streams)
        {
            if (!s.Closed && held(s) < max(s) && takes(s) && (best is null || held(s) < held(best)))
            {
                best = s;
            }
        }

        return best;
    }

    public static string EntityName(string entityId)
    {
        int at = entityId.IndexOf('@', 1);
        return at > 1 ? entityId[1..at] : entityId;
    }

    private static int Limit(int announced) => announced <= 0 ? int.MaxValue : announced;

    /// <summary>Names with the versions listed for them (an empty list: any version).</summary>
    private static Dictionary<string, HashSet<string>> Versions(IEnumerable<(string Name, IEnumerable<string> Versions)> filters)
    {
        var byName = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, IEnumerable<string> versions) in filters)
        {
            if (!byName.TryGetValue(name, out HashSet<string>? set))
            {
                byName[name] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            set.UnionWith(versions);
        }

        return byName;
    }

    private static bool Takes(Dictionary<string, HashSet<string>>? filter, string name, string? version) =>
        filter is null || (filter.TryGetValue(name, out HashSet<string>? versions) && (versions.Count == 0 || versions.Contains(version ?? string.Empty)));
}
