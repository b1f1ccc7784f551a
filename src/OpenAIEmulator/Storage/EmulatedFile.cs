namespace BatchEmbed.OpenAIEmulator.Storage;

/// <summary>A stored file's metadata (the File object).</summary>
internal sealed record EmulatedFile(string Id, long Bytes, long CreatedAt, string Filename, string Purpose, long? ExpiresAt = null);
