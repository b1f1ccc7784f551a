using System.Diagnostics;
using System.Text;
using BatchEmbed.Domain.Samples;
using BatchEmbed.Domain.Tokenization;

namespace BatchEmbed.Bench;

/// <summary>
/// Tokenizer throughput on a text file of documents separated by form feeds, for ours and, in the same run,
/// Microsoft.ML.Tokenizers' TiktokenTokenizer; the Node script encodes the same documents with the reference tiktoken
/// (WASM). All report the total token count, which must agree.
/// </summary>
internal static class TokenizerBench
{
    public static void MakeText(string path, int megabytes)
    {
        var sb = new StringBuilder();
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        long written = 0;
        int doc = 0;
        foreach (Receipt r in new ReceiptCorpusGenerator(1).Receipts(int.MaxValue))
        {
            sb.Clear();
            foreach (var line in r.Lines)
            {
                sb.Append(line.Text).Append('\n');
            }

            // Every fourth document adds prose, so the text is not only short receipt lines.
            if (doc++ % 4 == 0)
            {
                sb.Append("Returns are accepted within 30 days of purchase with the original receipt. ")
                  .Append("Les retours sont acceptés sous 30 jours. 返品はレシートがあれば30日以内に受け付けます。 ")
                  .Append("Rückgabe innerhalb von 30 Tagen möglich. Thank you for shopping with us today! 🙂\n");
            }

            sb.Append('\f');
            writer.Write(sb);
            written += Encoding.UTF8.GetByteCount(sb.ToString());
            if (written >= megabytes * 1_000_000L)
            {
                break;
            }
        }
    }

    public static void Run(string path)
    {
        string[] docs = File.ReadAllText(path).Split('\f', StringSplitOptions.RemoveEmptyEntries);
        long bytes = docs.Sum(d => (long)Encoding.UTF8.GetByteCount(d));
        foreach (string name in Tokenizer.KnownEncodings)
        {
            Tokenizer ours = Tokenizer.ForEncoding(name);
            Microsoft.ML.Tokenizers.TiktokenTokenizer microsoft = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(name);
            (double oursSeconds, long oursTokens) = Measure(docs, d => ours.Encode(d).Length);
            (double msSeconds, long msTokens) = Measure(docs, d => microsoft.EncodeToIds(d).Count);
            Print("batchembed", name, docs.Length, bytes, oursTokens, oursSeconds);
            Print("Microsoft.ML.Tokenizers 2.0.1", name, docs.Length, bytes, msTokens, msSeconds);
            Console.WriteLine(BenchApp.Json(("bench", "tokenizer-ratio-microsoft"), ("encoding", name), ("ratio", Math.Round(msSeconds / oursSeconds, 2)), ("tokensAgree", oursTokens == msTokens)));
        }
    }

    /// <summary>Best of three passes after a warm-up (JIT, tiering), and the token total.</summary>
    private static (double Seconds, long Tokens) Measure(string[] docs, Func<string, int> encode)
    {
        foreach (string d in docs.Take(2000))
        {
            encode(d);
        }

        var best = double.MaxValue;
        long tokens = 0;
        for (int round = 0; round < 3; round++)
        {
            tokens = 0;
            var sw = Stopwatch.StartNew();
            foreach (string d in docs)
            {
                tokens += encode(d);
            }

            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        return (best, tokens);
    }

    private static void Print(string impl, string encoding, int docs, long bytes, long tokens, double seconds) => Console.WriteLine(BenchApp.Json(
        ("impl", impl), ("encoding", encoding), ("docs", docs), ("bytes", bytes), ("tokens", tokens),
        ("seconds", Math.Round(seconds, 3)), ("mbPerSec", Math.Round(bytes / 1e6 / seconds, 2)), ("tokensPerSec", Math.Round(tokens / seconds))));
}
