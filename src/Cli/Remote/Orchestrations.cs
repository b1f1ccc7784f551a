using System.Text.Json.Nodes;

namespace BatchEmbed.Cli.Remote;

/// <summary>Starts an orchestration through the API and waits for it, following the running one on a 409.</summary>
internal static class Orchestrations
{
    public static async Task<JsonObject> RunAsync(HostClient client, string path, object? body, TextWriter progress, CancellationToken ct)
    {
        string id, statusUrl;
        try
        {
            var accepted = (JsonObject)(await client.PostJsonAsync(path, body, ct))!;
            id = (string)accepted["id"]!;
            statusUrl = (string)accepted["statusQueryGetUri"]!;
        }
        catch (ApiException ex) when (ex.Status == 409 && ex.InstanceId is not null && ex.StatusQueryGetUri is not null)
        {
            await progress.WriteLineAsync($"  {ex.InstanceId} is already running; following it.");
            id = ex.InstanceId;
            statusUrl = ex.StatusQueryGetUri;
        }

        return await InstanceWaiter.WaitAsync(client, id, statusUrl, progress, ct);
    }

    /// <summary>The orchestration's output, or an error with its failure message.</summary>
    public static JsonObject Output(JsonObject status)
    {
        string runtime = (string?)status["runtimeStatus"] ?? "Unknown";
        if (runtime != "Completed")
        {
            string why = status["output"]?.ToJsonString() ?? "no details";
            throw new ApiException($"{status["instanceId"]} ended {runtime}: {why}");
        }

        return status["output"] as JsonObject ?? [];
    }
}
