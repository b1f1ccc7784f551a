using BatchEmbed.Hosting;
using BatchEmbed.Workflows.Http;

namespace BatchEmbed.Hosting.Http;

/// <summary>
/// Function-key authorization as in Azure Functions: the key comes in the <c>x-functions-key</c> header or the
/// <c>code</c> query parameter. A missing or wrong key gets 401 (problem+json), unless anonymous access is switched on.
/// </summary>
public sealed class KeyFilter(string[] acceptedKeys, bool allowAnonymous) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!allowAnonymous)
        {
            HttpRequest request = context.HttpContext.Request;
            string? header = request.Headers[Header].FirstOrDefault();
            string? code = request.Query["code"].FirstOrDefault();
            string? key = header ?? code;
            if (!HostKeys.Matches(header, acceptedKeys) && !HostKeys.Matches(code, acceptedKeys))
            {
                return Problems.Unauthorized(key is null
                    ? $"This API needs a key: send it in the {Header} header or as ?code=."
                    : "The key is not valid for this API.");
            }
        }

        return await next(context);
    }
}
