using System.Text.Json;
using BatchEmbed.Connectors.Items;
using BatchEmbed.Domain.Planning;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchEmbed.Workflows.Http;

/// <summary>Checks the API's handlers share: a collection that exists, and an optional JSON body.</summary>
public static class RequestGuards
{
    /// <summary>A 400 for an invalid name, a 404 for a collection without items, or null.</summary>
    public static async Task<ProblemHttpResult?> UnknownCollection(string collection, IItemStore items, CancellationToken ct)
    {
        if (!CollectionName.IsValid(collection))
        {
            return Problems.BadRequest($"Invalid collection name '{collection}'.");
        }

        return (await items.CountByStatusAsync(collection, ct)).Values.Sum() == 0
            ? Problems.NotFound($"There is no collection '{collection}': import items first (POST /api/collections/{collection}/items).")
            : null;
    }

    /// <summary>An optional JSON body; an empty one is null.</summary>
    public static async Task<(T? Body, IResult? Error)> ReadAsync<T>(HttpContext http, CancellationToken ct)
        where T : class
    {
        if (http.Request.ContentLength == 0)
        {
            return (null, null);
        }

        try
        {
            using var reader = new StreamReader(http.Request.Body);
            string text = await reader.ReadToEndAsync(ct);
            return string.IsNullOrWhiteSpace(text) ? (null, null) : (JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("The body is not valid JSON for this request: " + ex.Message));
        }
    }
}
