using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using BatchEmbed.Domain.Planning;

namespace BatchEmbed.Domain.Labels;

/// <summary>
/// Builds the one chat request per receipt that judges its labels: the instructions, then the receipt's metadata and
/// lines with their numbered words, then the labels by local id (<c>lineId/wordId/label</c>). The answer is held to a
/// strict JSON schema whose ids are exactly the labels asked about (see <see cref="LabelAnswerParser"/>).
/// </summary>
public sealed class LabelPrompt
{
    public const string SchemaName = "receipt_label_verdicts";

    private readonly LabelPromptSettings _settings;
    private readonly string _system;

    public LabelPrompt(LabelPromptSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _settings = settings;
        _system = settings.EffectiveInstructions + "\nAllowed labels: " + string.Join(", ", settings.AllowedLabels) + ".";
    }

    public ChatRequest Build(ReceiptContext receipt, string customId)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Labels.Count == 0)
        {
            throw new ArgumentException($"Receipt '{receipt.ReceiptKey}' has no label to judge.", nameof(receipt));
        }

        var user = new StringBuilder(1024);
        user.Append("Receipt ").Append(receipt.ReceiptKey).Append('\n');
        if (!string.IsNullOrEmpty(receipt.MetadataJson))
        {
            user.Append("Metadata: ").Append(receipt.MetadataJson).Append('\n');
        }

        user.Append("Lines (words numbered):\n");
        ILookup<int, ContextWord> words = receipt.Words.ToLookup(w => w.LineNo);
        foreach (ContextLine line in receipt.Lines.OrderBy(l => l.LineNo))
        {
            user.Append(CultureInfo.InvariantCulture, $"{line.LineNo}:");
            if (words[line.LineNo].Any())
            {
                foreach (ContextWord w in words[line.LineNo].OrderBy(w => w.WordNo))
                {
                    user.Append(CultureInfo.InvariantCulture, $" [{w.WordNo}]{w.Text}");
                }
            }
            else
            {
                user.Append(' ').Append(line.Text);
            }

            user.Append('\n');
        }

        user.Append("Labels to check (id: word -> label):\n");
        foreach (LabelToJudge l in receipt.Labels)
        {
            user.Append(l.Label.LocalId).Append(": \"").Append(l.WordText).Append("\" -> ").Append(l.Label.Label).Append('\n');
        }

        return new ChatRequest(
            customId,
            [new ChatMessage("system", _system), new ChatMessage("user", user.ToString())],
            Schema(receipt.Labels.Select(l => l.Label.LocalId)),
            MaxCompletionTokens(receipt.Labels.Count),
            0);
    }

    private int MaxCompletionTokens(int labels) => LabelPromptSettings.AnswerOverheadTokens + (labels * _settings.MaxCompletionTokensPerLabel);

    private string Schema(IEnumerable<string> ids)
    {
        var suggested = new JsonArray { null };
        foreach (string label in _settings.AllowedLabels)
        {
            suggested.Add(label);
        }

        var entry = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["required"] = new JsonArray("id", "verdict", "suggested_label", "reason"),
            ["properties"] = new JsonObject
            {
                ["id"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]) },
                ["verdict"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("valid", "invalid", "needs_review") },
                ["suggested_label"] = new JsonObject { ["type"] = new JsonArray("string", "null"), ["enum"] = suggested },
                ["reason"] = new JsonObject { ["type"] = "string" },
            },
        };
        var format = new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject
            {
                ["name"] = SchemaName,
                ["strict"] = true,
                ["schema"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray("labels"),
                    ["properties"] = new JsonObject { ["labels"] = new JsonObject { ["type"] = "array", ["items"] = entry } },
                },
            },
        };
        return format.ToJsonString();
    }
}
