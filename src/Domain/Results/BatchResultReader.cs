using System.Runtime.CompilerServices;
using BatchEmbed.Domain.Jsonl;

namespace BatchEmbed.Domain.Results;

/// <summary>
/// Streams a batch output or error file line by line. Never loads the file, or even a line, into a string: each line
/// is parsed from the read buffer and only its vectors and ids are kept.
/// </summary>
public static class BatchResultReader
{
    public static async IAsyncEnumerable<BatchResultLine> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Utf8LineReader(stream);
        while (await reader.ReadLineAsync(cancellationToken))
        {
            ReadOnlyMemory<byte> line = reader.Current;
            if (line.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            yield return BatchResultParser.Parse(line.Span, reader.LineNumber);
        }
    }
}
