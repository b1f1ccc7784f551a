namespace BatchEmbed.DurableTask;

/// <summary>Instance ids: 1 to 256 characters, no control characters, and not starting with '@' (reserved for entities).</summary>
internal static class InstanceIds
{
    public static void Validate(string instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId) || instanceId.Length > 256 || instanceId[0] == '@' || instanceId.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0)
        {
            throw new ArgumentException($"Invalid instance id '{instanceId}': use 1-256 characters, no control characters, not starting with '@'.", nameof(instanceId));
        }
    }
}
