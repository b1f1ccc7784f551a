using System.CommandLine;
using System.Text;
using System.Text.Json;
using BatchEmbed.Domain.Jsonl;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Cli.Commands;

/// <summary><c>tokens --encoding E --input FILE.jsonl</c>: one <c>{"count","tokens"}</c> line per <c>{"text"}</c> line, in order.</summary>
internal static class TokensCommand
{
    public static Command Create()
    {
        var encoding = new Option<string>("--encoding")
        {
            Description = "Tokenizer encoding: cl100k_base (embedding models, gpt-4) or o200k_base (gpt-4o, gpt-4.1).",
            Required = true,
        };
        encoding.AcceptOnlyFromAmong([.. Tokenizer.KnownEncodings]);
        var input = new Option<string>("--input")
        {
            Description = "JSONL file of {\"text\": ...} lines, or - for standard input.",
            Required = true,
        };
        var command = new Command("tokens", "Count and list the tokens of each text exactly as OpenAI's tiktoken does (special tokens are plain text).")
        {
            encoding,
            input,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(encoding)!, parse.GetValue(input)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(string encodingName, string inputPath, TextWriter output, TextWriter error, CancellationToken ct)
    {
        Tokenizer tokenizer = Tokenizer.ForEncoding(encodingName);
        string source = InputFiles.DisplayName(inputPath);
        await using Stream stream = InputFiles.Open(inputPath);
        var lines = new Utf8LineReader(stream);
        var sb = new StringBuilder();
        int rejected = 0;
        while (await lines.ReadLineAsync(ct))
        {
            if (lines.Current.Span.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            string? text = ReadText(lines.Current.Span, out string? problem);
            if (text is null)
            {
                rejected++;
                await error.WriteLineAsync($"{source}:{lines.LineNumber}: {problem}");
                continue;
            }

            int[] tokens = tokenizer.Encode(text);
            sb.Clear();
            sb.Append("{\"count\":").Append(tokens.Length).Append(",\"tokens\":[");
            for (int i = 0; i < tokens.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                sb.Append(tokens[i]);
            }

            sb.Append("]}");
            await output.WriteLineAsync(sb, ct);
        }

        if (rejected > 0)
        {
            await error.WriteLineAsync($"{rejected} line(s) rejected; their output lines are missing.");
            return CliApp.InputRejected;
        }

        return CliApp.Ok;
    }

    private static string? ReadText(ReadOnlySpan<byte> line, out string? problem)
    {
        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            problem = "invalid UTF-8";
            return null;
        }

        try
        {
            var r = new Utf8JsonReader(line);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
            {
                problem = "expected a JSON object";
                return null;
            }

            string? text = null;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                bool isText = r.ValueTextEquals("text"u8);
                r.Read();
                if (isText && r.TokenType == JsonTokenType.String)
                {
                    text = LenientJsonString.Read(ref r);
                }
                else if (isText)
                {
                    problem = "\"text\" must be a string";
                    return null;
                }
                else
                {
                    r.Skip();
                }
            }

            problem = text is null ? "missing \"text\"" : null;
            return text;
        }
        catch (JsonException ex)
        {
            problem = "malformed JSON: " + ex.Message;
            return null;
        }
    }
}
