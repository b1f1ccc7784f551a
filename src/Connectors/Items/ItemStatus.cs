namespace BatchEmbed.Connectors.Items;

/// <summary>An item's embedding status (DESIGN §3).</summary>
public enum ItemStatus
{
    None = 0,
    Pending = 1,
    Succeeded = 2,
    Failed = 3,
}
