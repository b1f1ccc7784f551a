using BatchEmbed.Domain.Labels;

namespace BatchEmbed.Domain.Tests;

public sealed class LabelAnswerParserTests
{
    private static readonly HashSet<string> s_allowed = ["DATE", "TIME", "TAX"];
    private static readonly string[] s_asked = ["5/1/DATE", "5/2/TIME"];

    [Fact]
    public void A_complete_answer_gives_every_label_its_verdict_and_drops_suggestions_that_say_nothing()
    {
        LabelAnswer a = Parse("""{"labels":[{"id":"5/1/DATE","verdict":"valid","suggested_label":"TAX","reason":"a date"},{"id":"5/2/TIME","verdict":"invalid","suggested_label":"TAX","reason":"an amount"}]}""");
        Assert.True(a.Ok);
        Assert.Equal(new LabelVerdict(ValidationStatus.Valid, null, "a date"), a.Verdicts["5/1/DATE"]);
        Assert.Equal(new LabelVerdict(ValidationStatus.Invalid, "TAX", "an amount"), a.Verdicts["5/2/TIME"]);
        Assert.Equal(a.Verdicts["5/2/TIME"], LabelVerdict.FromJson(a.Verdicts["5/2/TIME"].ToJson()));
    }

    [Theory]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"valid","suggested_label":null,"reason":"r"}""", "stop", null, "malformed_json")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verd""", "length", null, "truncated")]
    [InlineData(null, "stop", "I can't help with that.", "refusal")]
    [InlineData("", "stop", null, "malformed_json")]
    [InlineData("""{"answers":[]}""", "stop", null, "schema_mismatch")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"maybe","suggested_label":null,"reason":"r"},{"id":"5/2/TIME","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "schema_mismatch")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"invalid","suggested_label":"NOPE","reason":"r"},{"id":"5/2/TIME","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "schema_mismatch")]
    [InlineData("""{"labels":[{"id":"9/9/TAX","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "unknown_label")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "missing_label")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"valid","suggested_label":null,"reason":"r"},{"id":"5/1/DATE","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "duplicate_label")]
    [InlineData("""{"labels":[{"id":"5/1/DATE","verdict":"valid","suggested_label":null},{"id":"5/2/TIME","verdict":"valid","suggested_label":null,"reason":"r"}]}""", "stop", null, "schema_mismatch")]
    public void Any_break_is_one_problem_for_the_whole_receipt(string? content, string finish, string? refusal, string code)
    {
        LabelAnswer a = LabelAnswerParser.Parse(content, finish, refusal, s_asked, s_allowed);
        Assert.False(a.Ok);
        Assert.Equal(code, a.ProblemCode);
        Assert.Empty(a.Verdicts);
        Assert.False(string.IsNullOrEmpty(a.Problem));
    }

    [Fact]
    public void The_prompt_asks_for_exactly_its_labels_and_bounds_the_answer()
    {
        var prompt = new LabelPrompt(new LabelPromptSettings("gpt-4o-mini", "1", ["DATE", "TIME"]));
        var label = new ReceiptLabel("img", 1, 5, 1, "DATE");
        var context = new ReceiptContext("img/1", """{"merchant":"X"}""", [new ContextLine(5, "05/07/2025 12:46")], [new ContextWord(5, 1, "05/07/2025"), new ContextWord(5, 2, "12:46")],
            [new LabelToJudge(label, "05/07/2025")]);
        var request = prompt.Build(context, "labels|img/1|0");
        Assert.Equal(16 + 60, request.MaxCompletionTokens);
        Assert.Contains("\"enum\":[\"5/1/DATE\"]", request.ResponseFormatJson, StringComparison.Ordinal);
        Assert.Contains("5: [1]05/07/2025 [2]12:46", request.Messages[1].Content, StringComparison.Ordinal);
        Assert.Contains("5/1/DATE: \"05/07/2025\" -> DATE", request.Messages[1].Content, StringComparison.Ordinal);
        Assert.NotEqual(new LabelPromptSettings("gpt-4o-mini", "1", ["DATE", "TIME"]).Fingerprint(), new LabelPromptSettings("gpt-4o-mini", "2", ["DATE", "TIME"]).Fingerprint());
        Assert.True(ReceiptLabel.TryParseId(label.Id, out ReceiptLabel back));
        Assert.Equal(label, back);
    }

    private static LabelAnswer Parse(string content) => LabelAnswerParser.Parse(content, "stop", null, s_asked, s_allowed);
}
