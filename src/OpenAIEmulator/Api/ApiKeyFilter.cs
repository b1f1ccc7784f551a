using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BatchEmbed.OpenAIEmulator.Api;

/// <summary>Accepts <c>Authorization: Bearer KEY</c> (OpenAI) or <c>api-key: KEY</c> (Azure); anything else gets 401.</summary>
internal sealed class ApiKeyFilter(EmulatorOptions options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        HttpRequest req = context.HttpContext.Request;
        string? key = req.Headers["api-key"].FirstOrDefault();
        string? auth = req.Headers.Authorization.FirstOrDefault();
        if (key is null && auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = auth["Bearer ".Length..].Trim();
        }

        if (key is null)
        {
            return ValueTask.FromResult<object?>(OpenAIErrors.Error(StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' or 'api-key: KEY'.", code: "missing_api_key"));
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(options.ApiKey)))
        {
            return ValueTask.FromResult<object?>(OpenAIErrors.Error(StatusCodes.Status401Unauthorized, "Incorrect API key provided.", code: "invalid_api_key"));
        }

        return next(context);
    }
}
