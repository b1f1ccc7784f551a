namespace BatchEmbed.Domain.Batches;

public enum BatchKind
{
    Embedding,
    Completion,
}
