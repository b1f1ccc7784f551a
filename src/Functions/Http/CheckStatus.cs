using System.Text.Json.Nodes;
using BatchEmbed.Workflows.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace BatchEmbed.Functions.Http;

/// <summary>The check-status payload from the bound Durable client, which knows the host's webhook URL and system key.</summary>
internal static class CheckStatus
{
    public static CheckStatusLinks From(DurableTaskClient client) => (_, instanceId) =>
    {
        HttpManagementPayload p = client.CreateHttpManagementPayload(instanceId);
        return new JsonObject
        {
            ["id"] = p.Id,
            ["statusQueryGetUri"] = p.StatusQueryGetUri,
            ["sendEventPostUri"] = p.SendEventPostUri,
            ["terminatePostUri"] = p.TerminatePostUri,
            ["purgeHistoryDeleteUri"] = p.PurgeHistoryDeleteUri,
            ["restartPostUri"] = p.RestartPostUri,
            ["suspendPostUri"] = p.SuspendPostUri,
            ["resumePostUri"] = p.ResumePostUri,
            ["rewindPostUri"] = p.RewindPostUri,
        };
    };
}
