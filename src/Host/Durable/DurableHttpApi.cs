using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BatchEmbed.Workflows.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Entities;
using Microsoft.DurableTask.Entities;
using Core = global::DurableTask.Core.History;

namespace BatchEmbed.Hosting.Durable;

/// <summary>
/// The Durable Functions HTTP management API under <c>/runtime/webhooks/durabletask</c>: the routes, status codes and
/// payloads of the Functions host. Map it on any endpoint builder; protect the returned group (the admin key).
/// </summary>
public static class DurableHttpApi
{
    private const string ContinuationHeader = "x-ms-continuation-token";

    public static RouteGroupBuilder MapDurableTaskManagementApi(this IEndpointRouteBuilder endpoints, DurableHttpApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new DurableHttpApiOptions();
        RouteGroupBuilder api = endpoints.MapGroup(CheckStatusUris.BasePath);
        api.AddEndpointFilter(async (ctx, next) =>
        {
            try
            {
                return await next(ctx);
            }
            catch (ArgumentException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
            catch (JsonException ex)
            {
                return Results.Problem("The body is not valid JSON: " + ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });

        api.MapPost("/orchestrators/{functionName}/{instanceId?}", (HttpContext http, string functionName, string? instanceId, DurableTaskClient client) => StartAsync(http, functionName, instanceId, client, options));
        api.MapGet("/instances/{instanceId}", GetStatusAsync);
        api.MapGet("/instances", ListAsync);
        api.MapDelete("/instances/{instanceId}", PurgeAsync);
        api.MapDelete("/instances", PurgeAllAsync);
        api.MapPost("/instances/{instanceId}/terminate", (string instanceId, string? reason, DurableTaskClient client, CancellationToken ct) =>
            ControlAsync(instanceId, client, c => c.TerminateInstanceAsync(instanceId, reason, ct), ct));
        api.MapPost("/instances/{instanceId}/suspend", (string instanceId, string? reason, DurableTaskClient client, CancellationToken ct) =>
            ControlAsync(instanceId, client, c => c.SuspendInstanceAsync(instanceId, reason, ct), ct));
        api.MapPost("/instances/{instanceId}/resume", (string instanceId, string? reason, DurableTaskClient client, CancellationToken ct) =>
            ControlAsync(instanceId, client, c => c.ResumeInstanceAsync(instanceId, reason, ct), ct));
        api.MapPost("/instances/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        api.MapPost("/instances/{instanceId}/restart", (HttpContext http, string instanceId, bool? restartWithNewInstanceId, DurableTaskClient client) => RestartAsync(http, instanceId, restartWithNewInstanceId ?? false, client, options));
        api.MapGet("/entities/{name}/{key}", GetEntityAsync);
        api.MapGet("/entities/{name}", ListEntitiesAsync);
        api.MapPost("/entities/{name}/{key}", SignalEntityAsync);
        api.MapDelete("/entities/{name}/{key}", (string name, string key, DurableTaskClient client, CancellationToken ct) =>
            SignalCoreAsync(name, key, "delete", null, client, ct));
        return api;
    }

    private static async Task<IResult> StartAsync(HttpContext http, string functionName, string? instanceId, DurableTaskClient client, DurableHttpApiOptions options)
    {
        object? input = await ReadJsonBody(http.Request);
        try
        {
            instanceId = await client.ScheduleNewOrchestrationInstanceAsync(functionName, input, new StartOrchestrationOptions(instanceId), http.RequestAborted);
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }

        if (TryGetSeconds(http.Request, "timeout", out TimeSpan timeout) && TryGetSeconds(http.Request, "pollingInterval", out TimeSpan polling))
        {
            DateTime until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                OrchestrationMetadata? m = await client.GetInstanceAsync(instanceId, true, http.RequestAborted);
                if (m is { RuntimeStatus: OrchestrationRuntimeStatus.Completed })
                {
                    return Results.Content(m.SerializedOutput ?? "null", "application/json", Encoding.UTF8, StatusCodes.Status200OK);
                }

                if (m is { IsCompleted: true })
                {
                    break;
                }

                await Task.Delay(polling, http.RequestAborted);
            }
        }

        return CheckStatusPayload.Accepted(http, instanceId, CheckStatusUris.For(options));
    }

    private static async Task<IResult> GetStatusAsync(HttpContext http, string instanceId, DurableTaskClient client, bool? showInput, bool? showHistory, bool? showHistoryOutput, bool? returnInternalServerErrorOnFailure)
    {
        OrchestrationMetadata? m = await client.GetInstanceAsync(instanceId, true, http.RequestAborted);
        if (m is null)
        {
            return Results.NotFound();
        }

        IList<Core.HistoryEvent>? history = showHistory == true ? await client.GetOrchestrationHistoryAsync(instanceId, http.RequestAborted) : null;
        JsonObject body = StatusPayloads.Status(m, showInput ?? true, history, showHistoryOutput == true);
        switch (m.RuntimeStatus)
        {
            case OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended:
                http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
                http.Response.Headers.RetryAfter = "5";
                return Results.Json(body, statusCode: StatusCodes.Status202Accepted);
            case OrchestrationRuntimeStatus.Failed when returnInternalServerErrorOnFailure == true:
                return Results.Json(body, statusCode: StatusCodes.Status500InternalServerError);
            default:
                return Results.Json(body, statusCode: StatusCodes.Status200OK);
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, DurableTaskClient client, string? instanceIdPrefix, string? createdTimeFrom, string? createdTimeTo, bool? showInput, int? top)
    {
        var statuses = new List<OrchestrationRuntimeStatus>();
        foreach (string? value in http.Request.Query["runtimeStatus"])
        {
            foreach (string part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (Enum.TryParse(part, ignoreCase: false, out OrchestrationRuntimeStatus s))
                {
                    statuses.Add(s); // unknown values are dropped, as the Functions host does
                }
            }
        }

        int pageSize = top is > 0 ? Math.Min(top.Value, 1000) : 100;
        var query = new OrchestrationQuery(
            ParseTime(createdTimeFrom, nameof(createdTimeFrom)),
            ParseTime(createdTimeTo, nameof(createdTimeTo)),
            statuses.Count > 0 ? statuses : null,
            null,
            instanceIdPrefix,
            pageSize,
            true,
            null);
        Page<OrchestrationMetadata> page = await FirstPageAsync(client.GetAllInstancesAsync(query), http.Request.Headers[ContinuationHeader].FirstOrDefault(), pageSize, http.RequestAborted);
        if (!string.IsNullOrEmpty(page.ContinuationToken))
        {
            http.Response.Headers[ContinuationHeader] = page.ContinuationToken;
        }

        var array = new JsonArray([.. page.Values.Select(m => (JsonNode)StatusPayloads.Status(m, showInput ?? true, null, false))]);
        return Results.Json(array);
    }

    private static async Task<IResult> PurgeAsync(string instanceId, DurableTaskClient client, CancellationToken ct)
    {
        PurgeResult r = await client.PurgeInstanceAsync(instanceId, null, ct);
        return r.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Json(new JsonObject { ["instancesDeleted"] = r.PurgedInstanceCount });
    }

    private static async Task<IResult> PurgeAllAsync(HttpContext http, DurableTaskClient client, string? createdTimeFrom, string? createdTimeTo)
    {
        DateTimeOffset from = ParseTime(createdTimeFrom, nameof(createdTimeFrom)) ?? throw new ArgumentException("createdTimeFrom is required to purge instances.");
        var statuses = http.Request.Query["runtimeStatus"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(v => Enum.TryParse(v.Trim(), out OrchestrationRuntimeStatus s) ? s : (OrchestrationRuntimeStatus?)null).OfType<OrchestrationRuntimeStatus>().ToList();
        PurgeResult r = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(from, ParseTime(createdTimeTo, nameof(createdTimeTo)) ?? DateTimeOffset.UtcNow, statuses.Count > 0 ? statuses : null), null, http.RequestAborted);
        return r.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Json(new JsonObject { ["instancesDeleted"] = r.PurgedInstanceCount });
    }

    private static async Task<IResult> ControlAsync(string instanceId, DurableTaskClient client, Func<DurableTaskClient, Task> action, CancellationToken ct)
    {
        OrchestrationMetadata? m = await client.GetInstanceAsync(instanceId, false, ct);
        if (m is null)
        {
            return Results.NotFound();
        }

        if (m.IsCompleted)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        await action(client);
        return Results.Accepted();
    }

    private static async Task<IResult> RaiseEventAsync(HttpContext http, string instanceId, string eventName, DurableTaskClient client)
    {
        if (http.Request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem("The event payload must be sent with Content-Type: application/json.", statusCode: StatusCodes.Status400BadRequest);
        }

        object? payload = await ReadJsonBody(http.Request);
        OrchestrationMetadata? m = await client.GetInstanceAsync(instanceId, false, http.RequestAborted);
        if (m is null)
        {
            return Results.NotFound();
        }

        if (m.IsCompleted)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        await client.RaiseEventAsync(instanceId, eventName, payload, http.RequestAborted);
        return Results.Accepted();
    }

    private static async Task<IResult> RestartAsync(HttpContext http, string instanceId, bool newId, DurableTaskClient client, DurableHttpApiOptions options)
    {
        try
        {
            string id = await client.RestartAsync(instanceId, newId, http.RequestAborted);
            return CheckStatusPayload.Accepted(http, id, CheckStatusUris.For(options));
        }
        catch (ArgumentException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (InvalidOperationException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<IResult> GetEntityAsync(string name, string key, DurableTaskClient client, CancellationToken ct)
    {
        EntityMetadata? e = await client.Entities.GetEntityAsync(new EntityInstanceId(name, key == "$" ? string.Empty : key), true, ct);
        return e?.State?.Value is not { } state ? Results.NotFound() : Results.Content(state, "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> ListEntitiesAsync(HttpContext http, string name, DurableTaskClient client, string? lastOperationTimeFrom, string? lastOperationTimeTo, int? top, bool? fetchState)
    {
        int pageSize = top is > 0 ? Math.Min(top.Value, 1000) : 100;
        var query = new EntityQuery
        {
            InstanceIdStartsWith = $"@{name.ToLowerInvariant()}@",
            LastModifiedFrom = ParseTime(lastOperationTimeFrom, nameof(lastOperationTimeFrom)),
            LastModifiedTo = ParseTime(lastOperationTimeTo, nameof(lastOperationTimeTo)),
            IncludeState = fetchState ?? false,
            PageSize = pageSize,
        };
        Page<EntityMetadata> page = await FirstPageAsync(client.Entities.GetAllEntitiesAsync(query), http.Request.Headers[ContinuationHeader].FirstOrDefault(), pageSize, http.RequestAborted);
        if (!string.IsNullOrEmpty(page.ContinuationToken))
        {
            http.Response.Headers[ContinuationHeader] = page.ContinuationToken;
        }

        var array = new JsonArray();
        foreach (EntityMetadata e in page.Values)
        {
            var row = new JsonObject
            {
                ["entityId"] = new JsonObject { ["name"] = e.Id.Name, ["key"] = e.Id.Key },
                ["lastOperationTime"] = StatusPayloads.Time(e.LastModifiedTime),
            };
            if (fetchState == true)
            {
                row["state"] = StatusPayloads.Parse(e.State?.Value);
            }

            array.Add(row);
        }

        return Results.Json(array);
    }

    private static async Task<IResult> SignalEntityAsync(HttpContext http, string name, string key, string? op, DurableTaskClient client)
    {
        object? input;
        if (http.Request.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            input = await ReadJsonBody(http.Request);
        }
        else
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            string raw = await reader.ReadToEndAsync(http.RequestAborted);
            input = raw.Length == 0 ? null : raw;
        }

        return await SignalCoreAsync(name, key, op ?? throw new ArgumentException("The operation name is required: ?op=NAME."), input, client, http.RequestAborted);
    }

    private static async Task<IResult> SignalCoreAsync(string name, string key, string op, object? input, DurableTaskClient client, CancellationToken ct)
    {
        await client.Entities.SignalEntityAsync(new EntityInstanceId(name, key == "$" ? string.Empty : key), op, input, null, ct);
        return Results.Accepted();
    }

    /// <summary>One page of a query, resumed from the caller's continuation token (the <c>x-ms-continuation-token</c> header).</summary>
    private static async Task<Page<T>> FirstPageAsync<T>(AsyncPageable<T> pageable, string? continuation, int pageSize, CancellationToken ct)
        where T : notnull
    {
        await foreach (Page<T> page in pageable.AsPages(string.IsNullOrEmpty(continuation) ? null : continuation, pageSize).WithCancellation(ct))
        {
            return page;
        }

        return new Page<T>([], null);
    }

    private static async Task<object?> ReadJsonBody(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        return string.IsNullOrWhiteSpace(body) ? null : JsonSerializer.Deserialize<JsonElement>(body);
    }

    private static bool TryGetSeconds(HttpRequest request, string name, out TimeSpan value)
    {
        value = default;
        string? raw = request.Query[name].FirstOrDefault();
        if (raw is null)
        {
            return false;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || seconds > 3600)
        {
            throw new ArgumentException($"{name} must be a number of seconds between 0 and 3600.");
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static DateTimeOffset? ParseTime(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
            ? t
            : throw new ArgumentException($"{name} is not a date and time: '{value}'.");
    }
}
