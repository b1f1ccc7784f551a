namespace BatchEmbed.Domain.Labels;

/// <summary>Where a label's validation stands (DESIGN §3).</summary>
public enum ValidationStatus
{
    /// <summary>Not validated under the current prompt and model: the next submission takes it.</summary>
    None,

    /// <summary>Claimed by a completion batch.</summary>
    Pending,

    Valid,

    Invalid,

    /// <summary>The model was unsure, or no usable answer came back within the allowed attempts.</summary>
    NeedsReview,
}
