using System.Globalization;
using BatchEmbed.Workflows.Http;
using Microsoft.AspNetCore.Http;

namespace BatchEmbed.Functions.Http;

/// <summary>Query parameters read as the standalone host's routes bind them: a malformed number is a 400, not a default.</summary>
internal static class Query
{
    public static string? Text(HttpRequest request, string name) => request.Query[name].FirstOrDefault();

    public static bool TryInt(HttpRequest request, string name, out int? value, out IResult? problem)
    {
        value = null;
        problem = null;
        string? raw = Text(request, name);
        if (raw is null)
        {
            return true;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            value = v;
            return true;
        }

        problem = Problems.BadRequest($"Query parameter \"{name}\" must be a whole number, not '{raw}'.");
        return false;
    }
}
