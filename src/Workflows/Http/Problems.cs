using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchEmbed.Workflows.Http;

/// <summary>RFC 9457 problem details for every error the API returns.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request", extensions: extensions);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", extensions: extensions);

    public static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    public static ProblemHttpResult BadGateway(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status502BadGateway, title: "Provider error");
}
