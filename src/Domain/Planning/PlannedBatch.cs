namespace BatchEmbed.Domain.Planning;

/// <summary>One batch input file, ready to upload. Small enough to pass between orchestrations.</summary>
/// <param name="BatchId">Our id: deterministic for the same lines and settings.</param>
/// <param name="Path">Where the sink committed the file.</param>
public sealed record PlannedBatch(
    string BatchId,
    string Kind,
    string Endpoint,
    string Model,
    string Fingerprint,
    int Requests,
    int Inputs,
    long Tokens,
    long Bytes,
    decimal EstimatedUsd,
    string Path,
    string FirstCustomId,
    string LastCustomId);
