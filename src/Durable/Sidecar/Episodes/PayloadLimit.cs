using System.Globalization;
using System.Text;
using P = Microsoft.DurableTask.Protobuf;

namespace BatchEmbed.DurableTask.Sidecar.Episodes;

/// <summary>
/// The backend's payload limit: inputs, outputs, results, event data and custom status are small references (blob
/// paths, cursors), never bulk data. What is over the limit is refused with a message that says what, how big, and why.
/// </summary>
internal static class PayloadLimit
{
    public const string ErrorType = "PayloadTooLarge";

    public static string? Problem(string what, string? payload, int max)
    {
        if (payload is null || payload.Length <= max / 3)
        {
            return null; // a UTF-8 char is at most 3 bytes per UTF-16 unit, so it can't be over
        }

        int size = Encoding.UTF8.GetByteCount(payload);
        return size <= max ? null : string.Create(CultureInfo.InvariantCulture,
            $"The {what} is {size:N0} bytes, over the durable backend's limit of {max:N0} bytes. Pass a reference (a blob path or a cursor) instead of the data.");
    }

    public static P.TaskFailureDetails Failure(string message) => ProtocolEvents.Failure(ErrorType, message, nonRetriable: true);

    /// <summary>The first payload of an episode's actions that is over the limit, as a failure of the orchestration.</summary>
    public static P.TaskFailureDetails? Check(IReadOnlyList<P.OrchestratorAction> actions, string? customStatus, int max)
    {
        string? problem = Problem("custom status", customStatus, max);
        foreach (P.OrchestratorAction a in actions)
        {
            problem ??= a.OrchestratorActionTypeCase switch
            {
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => Problem($"input of activity '{a.ScheduleTask.Name}' (task #{a.Id})", a.ScheduleTask.Input, max),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration => Problem($"input of sub-orchestration '{a.CreateSubOrchestration.Name}' (task #{a.Id})", a.CreateSubOrchestration.Input, max),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent => Problem($"data of event '{a.SendEvent.Name}' (action #{a.Id})", a.SendEvent.Data, max),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEntityMessage => Problem($"input of entity operation (action #{a.Id})",
                    a.SendEntityMessage.EntityOperationCalled?.Input ?? a.SendEntityMessage.EntityOperationSignaled?.Input, max),
                P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration => Problem("orchestration's output", a.CompleteOrchestration.Result, max),
                _ => null,
            };
        }

        return problem is null ? null : Failure(problem);
    }
}
