using System.Runtime.CompilerServices;

namespace BatchEmbed.Domain.Items;

/// <summary>
/// Turns NDJSON item lines into items while keeping account of the rest: empty texts are counted, unreadable lines are
/// counted and kept (the first <see cref="MaxErrorsKept"/>) with their line numbers. Nothing is dropped silently.
/// </summary>
public sealed class ItemIntake(string source, int maxErrorsKept = 1000)
{
    private readonly List<LineError> _errors = [];

    public int MaxErrorsKept { get; } = maxErrorsKept;

    public long EmptyTexts { get; private set; }

    public long ErrorCount { get; private set; }

    public IReadOnlyList<LineError> Errors => _errors;

    public async IAsyncEnumerable<CorpusItem> ItemsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (ItemLine line in NdjsonItemReader.ReadAsync(stream, cancellationToken))
        {
            switch (line.Kind)
            {
                case ItemLineKind.Item:
                    yield return line.Item!;
                    break;
                case ItemLineKind.EmptyText:
                    EmptyTexts++;
                    break;
                default:
                    if (++ErrorCount <= MaxErrorsKept)
                    {
                        _errors.Add(new LineError(source, line.LineNumber, line.Error ?? "unreadable line"));
                    }

                    break;
            }
        }
    }
}
