using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary>Errors in the OpenAI shape: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
internal static class OpenAIErrors
{
    public static IResult Error(int status, string message, string type = "invalid_request_error", string? code = null, string? param = null) =>
        Results.Json(new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        }, statusCode: status);

    public static IResult NotFound(string what, string id) => Error(StatusCodes.Status404NotFound, $"No such {what}: '{id}'.", code: "not_found");
}
