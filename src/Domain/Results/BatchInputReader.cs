using System.Runtime.CompilerServices;
using System.Text.Json;
using BatchEmbed.Domain.Jsonl;

namespace BatchEmbed.Domain.Results;

/// <summary>Reads the custom ids of a batch input file, so results can be reconciled against what was sent.</summary>
public static class BatchInputReader
{
    public static async IAsyncEnumerable<string> ReadCustomIdsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = new Utf8LineReader(stream);
        while (await reader.ReadLineAsync(cancellationToken))
        {
            if (reader.Current.IsEmpty)
            {
                continue;
            }

            yield return CustomIdOf(reader.Current.Span, reader.LineNumber);
        }
    }

    private static string CustomIdOf(ReadOnlySpan<byte> line, long lineNumber)
    {
        var r = new Utf8JsonReader(line);
        if (r.Read() && r.TokenType == JsonTokenType.StartObject)
        {
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = r.ValueTextEquals("custom_id"u8);
                r.Read();
                if (isId && r.TokenType == JsonTokenType.String)
                {
                    return r.GetString()!;
                }

                r.Skip();
            }
        }

        throw new FormatException($"batch input line {lineNumber} has no custom_id");
    }
}
