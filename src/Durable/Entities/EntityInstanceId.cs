namespace BatchEmbed.DurableTask.Entities;

/// <summary>An entity's id: name (lower-cased, no '@') and key. Its string form <c>@name@key</c> is its instance id.</summary>
public readonly record struct EntityInstanceId
{
    public EntityInstanceId(string name, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        if (name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException("An entity name cannot contain '@'.", nameof(name));
        }

        Name = name.ToLowerInvariant();
        Key = key;
    }

    public string Name { get; }

    public string Key { get; }

    public static EntityInstanceId FromString(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        int second = instanceId.Length > 1 ? instanceId.IndexOf('@', 1) : -1;
        if (instanceId.Length < 3 || instanceId[0] != '@' || second < 2)
        {
            throw new ArgumentException($"'{instanceId}' is not an entity instance id (@name@key).", nameof(instanceId));
        }

        return new EntityInstanceId(instanceId[1..second], instanceId[(second + 1)..]);
    }

    public static bool IsEntityId(string instanceId) => instanceId.Length > 2 && instanceId[0] == '@' && instanceId.IndexOf('@', 1) > 1;

    public override string ToString() => $"@{Name}@{Key}";
}
