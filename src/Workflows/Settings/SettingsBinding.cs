namespace BatchEmbed.Workflows.Settings;

/// <summary>Reads a settings section into an options class, with a message that names the section when a value is malformed.</summary>
public static class SettingsBinding
{
    public static T Bind<T>(IConfiguration config, string section)
        where T : new()
    {
        ArgumentNullException.ThrowIfNull(config);
        var value = new T();
        try
        {
            config.GetSection(section).Bind(value);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"The {section} settings could not be read: {ex.Message}", ex);
        }

        return value;
    }
}
