using Microsoft.Extensions.DependencyInjection;

namespace BatchEmbed.Functions;

internal static class ServiceProviderExtensions
{
    public static T Get<T>(this IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();
}
